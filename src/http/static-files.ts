/**
 * Serving files from a base directory (IOS `ip http path`): GET and HEAD, index.html for
 * directories, content types by extension, 404 for what is missing and 403 for anything
 * that would resolve outside the base (after decoding and normalising the path, and after
 * following symbolic links), so `..`, encoded `%2e%2e` and symlinks cannot escape it.
 */
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
  '.gz': 'application/gzip',
  '.tar': 'application/x-tar',
  '.pem': 'application/x-pem-file',
  '.crt': 'application/x-x509-ca-cert',
  '.cer': 'application/pkix-cert',
  '.bin': 'application/octet-stream',
};

export function contentType(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

function send(res: ServerResponse, status: number, text: string, head: boolean): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(head ? undefined : text);
}

/** Whether `child` is `base` or inside it. */
function within(base: string, child: string): boolean {
  return child === base || child.startsWith(base.endsWith(sep) ? base : base + sep);
}

/** Serves one request from `root`; resolves once the response is under way. */
export async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const head = req.method === 'HEAD';
  if (req.method !== 'GET' && !head) {
    res.setHeader('allow', 'GET, HEAD');
    return send(res, 405, 'Method Not Allowed\n', false);
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  } catch {
    return send(res, 400, 'Bad Request\n', head);
  }
  if (pathname.includes('\0')) return send(res, 400, 'Bad Request\n', head);
  const base = await realpath(resolve(root));
  const target = resolve(base, `.${pathname.startsWith('/') ? pathname : `/${pathname}`}`);
  if (!within(base, target)) return send(res, 403, 'Forbidden\n', head);
  let file = target;
  try {
    let info = await stat(file);
    if (info.isDirectory()) {
      file = join(file, 'index.html');
      info = await stat(file);
    }
    // Symbolic links must not lead outside the base either.
    const real = await realpath(file);
    if (!within(base, real)) return send(res, 403, 'Forbidden\n', head);
    if (!info.isFile()) return send(res, 403, 'Forbidden\n', head);
    res.writeHead(200, { 'content-type': contentType(file), 'content-length': info.size, 'last-modified': info.mtime.toUTCString() });
    if (head) {
      res.end();
      return;
    }
    // pipeline, not pipe: a client that leaves mid-file closes the file too, and a read error
    // ends the response instead of leaving it open.
    pipeline(createReadStream(real), res, () => undefined);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return send(res, 404, 'Not Found\n', head);
    if (code === 'EACCES' || code === 'EPERM') return send(res, 403, 'Forbidden\n', head);
    return send(res, 500, 'Internal Server Error\n', head);
  }
}
