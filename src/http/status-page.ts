/**
 * The built-in page served when no base path is configured: what this SSL 3.0 connection
 * negotiated (protocol, cipher suite, session ID, resumption), the client's certificate and the
 * server process (one of several with `serve --workers`),
 * so an operator can point a legacy client at the server and see what it speaks.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SSLSocket } from '../socket/ssl-socket.js';
import { toHex } from '../util/bytes.js';

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function statusPage(req: IncomingMessage, res: ServerResponse): void {
  const socket = req.socket as unknown as SSLSocket;
  const cipher = socket.getCipher?.();
  const session = socket.getSession?.();
  const peer = socket.getPeerCertificate?.() ?? {};
  const rows: [string, string][] = [
    ['Protocol', socket.getProtocol?.() ?? 'unknown'],
    ['Cipher suite', cipher ? `${cipher.standardName} (${cipher.iosKeyword}, ${cipher.name})` : 'none'],
    ['Session ID', session?.id.length ? toHex(session.id) : '(none)'],
    ['Session resumed', socket.isSessionReused?.() ? 'yes' : 'no'],
    ['Client address', `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`],
    // Which process served it: one of several under `ssl3 serve --workers N`.
    ['Server process', String(process.pid)],
    [
      'Client certificate',
      'subject' in peer ? `${Object.entries(peer.subject).map(([k, v]) => `${k}=${v}`).join(', ')} (SHA-256 ${peer.fingerprint256})` : 'none',
    ],
  ];
  const html = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>ssl3: connection</title></head>
<body><h1>SSL 3.0 connection</h1>
<table>
${rows.map(([k, v]) => `<tr><th align="left">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('\n')}
</table>
<p>Served by ssl3, a pure-TypeScript SSL 3.0 stack. Request: ${escapeHtml(req.method ?? '')} ${escapeHtml(req.url ?? '')}</p>
</body></html>
`;
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html) });
  res.end(req.method === 'HEAD' ? undefined : html);
}
