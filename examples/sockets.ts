/**
 * SSL 3.0 sockets, shaped like node:tls (docs/library.md, "Sockets"): createServer() and
 * connect() give SSLSockets, Duplex streams with getCipher(), getPeerCertificate(),
 * getSession() and isSessionReused(). The client validates the server's chain against a CA
 * certificate (here the self-signed one itself) and checks the name it asked for; the second
 * connection offers the first one's session and resumes it without an RSA operation.
 *
 * Run: npx tsx examples/sockets.ts
 */
import type { AddressInfo } from 'node:net';
import { certificateToPem, connect, createServer, generateRsaKey, selfSignedCertificate, type Session } from 'ssl3';

const key = generateRsaKey(1024); // quick for an example; 2048 for real use
const certPem = certificateToPem(selfSignedCertificate({ key, hostname: 'device.example' }));

const server = createServer({ key, cert: certPem }, (socket) => {
  // 'secureConnection': the handshake is done; echo one line back and close (close_notify, then FIN).
  // A line may come in more than one piece: under a CBC suite the client sends each write as a
  // 1-byte record and the rest (the BEAST countermeasure), so read up to the end of the line.
  let line = '';
  socket.on('data', (chunk: Buffer) => {
    line += chunk.toString();
    if (line.endsWith('\n')) socket.end(`echo: ${line}`);
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;

/** One connection: prints what was negotiated and returns the session for the next one. */
function talk(session?: Session): Promise<Session | undefined> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'device.example', ca: certPem, ciphers: 'aes-128-cbc-sha', session }, () => {
      const peer = socket.getPeerCertificate();
      const cn = 'subject' in peer ? peer.subject.CN : '?';
      // Reaching here means the chain and the name checked out: rejectUnauthorized defaults to true.
      console.log(`${socket.getProtocol()} ${socket.getCipher()?.name}, server ${cn}, resumed ${socket.isSessionReused()}`);
      socket.write('hello\n');
    });
    let reply = '';
    socket.on('data', (chunk: Buffer) => (reply += chunk.toString()));
    socket.on('end', () => {
      process.stdout.write(reply);
      resolve(socket.getSession());
    });
    socket.on('error', reject);
  });
}

const session = await talk();
await talk(session);
server.close();
