/**
 * Writing a file so that readers see either the old contents or the new, never a torn mix,
 * and a crash leaves no half-written key or configuration behind (the POSIX rename(2)
 * guarantee): write a temporary file in the same directory, fsync it, then rename (or
 * link, when overwriting is not allowed) it into place and fsync the directory.
 * Node-only (node:fs); used by the CLI and the configuration layer, never by the protocol core.
 */
import { randomBytes } from 'node:crypto';
import { constants, promises as fsp } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /**
   * Replace an existing file (default true). When false, an existing file makes the call
   * fail with the usual EEXIST error, decided atomically (link(2) fails if the name exists),
   * so two writers cannot both believe they created the file.
   */
  overwrite?: boolean;
}

/**
 * Atomically writes `data` to `path` with permission bits exactly `mode` (default 0o600,
 * since what we write, keys and configurations with passwords, is usually secret; the
 * umask is not applied). Throws the node:fs error (code EEXIST, ENOENT, EACCES...) on failure,
 * after removing the temporary file.
 */
export async function writeFileAtomic(
  path: string,
  data: Uint8Array | string,
  mode = 0o600,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const overwrite = options.overwrite ?? true;
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  // O_EXCL: never follow or reuse something an attacker planted at the temporary name.
  const handle = await fsp.open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, mode);
  let placed = false;
  try {
    try {
      await handle.chmod(mode); // open()'s mode is filtered by the umask; make it exact
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (overwrite) {
      await fsp.rename(tmp, path);
      placed = true;
    } else {
      placed = await linkNoClobber(tmp, path);
    }
  } finally {
    if (!placed) await fsp.rm(tmp, { force: true });
  }
  await syncDirectory(dir);
}

/**
 * link(2) fails with EEXIST when the target exists; filesystems without hard links fall back
 * to check-then-rename. Returns true when `tmp` was renamed (so there is nothing to remove).
 */
async function linkNoClobber(tmp: string, path: string): Promise<boolean> {
  try {
    await fsp.link(tmp, path);
    return false;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'ENOSYS') throw e;
    // No hard links (FAT, some network mounts): check, then rename. The contents still appear
    // atomically; only the no-overwrite decision has a small race window there.
    const exists = await fsp.lstat(path).then(
      () => true,
      () => false,
    );
    if (exists) {
      const err: NodeJS.ErrnoException = new Error(`EEXIST: file already exists, '${path}'`);
      err.code = 'EEXIST';
      err.path = path;
      throw err;
    }
    await fsp.rename(tmp, path);
    return true;
  }
}

/** Makes the new directory entry durable; some platforms cannot open directories, which is fine. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(dir, constants.O_RDONLY);
    await handle.sync();
  } catch {
    // Windows and some filesystems refuse fsync on a directory; the rename itself is done.
  } finally {
    await handle?.close();
  }
}
