/**
 * `--viewer FILE` for `ssl3 serve` and `ssl3 get`: FILE is kept a lesson page (as `ssl3 view`
 * makes) of the command's own connections, written again as they go on (src/viewer/
 * live-lesson.ts). A file rather than a page served on a local port: it is the same
 * self-contained page `ssl3 view` writes, it opens offline and can be kept or sent, and it
 * shows keys and decrypted traffic, which a file with mode 0600 keeps to its owner where a
 * port would show them to every local user. A browser shows the latest state on reload.
 * The file is written once when the command starts, so a bad path fails before anything
 * connects; a write that fails later is reported in one line and ends the lesson, not the command.
 */
import { UsageError, type CliIo } from './command.js';
import { LiveLesson } from '../viewer/live-lesson.js';
import { writeLessonFile } from '../viewer/lesson-file.js';
import type { ServerKey } from '../trace/explain-keys.js';

export const VIEWER_FLAG = { viewer: { type: 'string' } } as const;

export const VIEWER_USAGE = `  --viewer FILE    keep FILE a lesson page of these connections, as ssl3 view makes
                   (ladder, fields beside bytes, keys, each record decrypted), written
                   again as they go on; reload it in a browser (mode 0600: it holds the
                   keys and the decrypted traffic)`;

/** The live lesson `--viewer` asks for (none without it); nothing is written before writeFirst(). */
export function liveLesson(path: string | undefined, title: string, command: string, io: CliIo, serverKeys?: readonly ServerKey[]): LiveLesson | undefined {
  if (path === undefined) return undefined;
  if (!path) throw new UsageError('--viewer needs a file name');
  return new LiveLesson({
    title,
    write: (l) => writeLessonFile(path, l),
    failed: (e) => io.stderr(`ssl3 ${command}: --viewer ${path}: ${e.message}; the lesson stops here\n`),
    serverKeys,
  });
}

/** Writes the lesson (with no connections yet) before anything connects: a path that cannot be written fails the command here. */
export async function writeFirst(lesson: LiveLesson | undefined, path: string | undefined): Promise<void> {
  try {
    await lesson?.flush();
  } catch (e) {
    throw lessonWriteError(`--viewer ${path}`, e);
  }
}

/** A lesson page that cannot be written, in one line (an atomic write's ENOENT means the directory). */
export function lessonWriteError(what: string, e: unknown): UsageError {
  const code = (e as NodeJS.ErrnoException).code;
  return new UsageError(`${what}: ${code === 'ENOENT' ? 'no such directory' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`, 1);
}
