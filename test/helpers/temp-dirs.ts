/** Temporary directories for a test file, removed together when it ends. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const tempDirs: string[] = [];

/** A fresh directory under the system temp dir, removed by removeTempDirs(). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `ssl3-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}

/** Removes the directories tempDir() made in this test file, and `others` (e.g. identity directories). */
export function removeTempDirs(others: readonly (string | undefined)[] = []): void {
  for (const dir of [...tempDirs.splice(0), ...others]) if (dir) rmSync(dir, { recursive: true, force: true });
}
