/**
 * An HTTPS server and client over SSL 3.0, shaped like node:https (docs/library.md, "HTTPS
 * server and client"). The client trusts the server's self-signed certificate by pinning its
 * SHA-256 fingerprint, the usual way to trust a device that made its own certificate.
 *
 * Run: npx tsx examples/https.ts
 */
import type { AddressInfo } from 'node:net';
import { fingerprint, generateRsaKey, https, selfSignedCertificate, type SSLSocket } from 'ssl3';

// 1024 bits keeps the example quick; give a real server 2048 (what `ssl3 keygen` makes).
const key = generateRsaKey(1024);
const cert = selfSignedCertificate({ key, hostname: 'localhost', ips: ['127.0.0.1'] });

// The handler gets node:http's req and res; req.socket is the SSLSocket underneath.
const server = https.createServer({ key, cert: cert.raw, ciphers: ['rc4-128-sha', '3des-ede-cbc-sha'] }, (req, res) => {
  const ssl = req.socket as unknown as SSLSocket;
  res.end(`hello over ${ssl.getProtocol()} with ${ssl.getCipher()?.name}\n`);
});
await server.listen(0, '127.0.0.1');
const { port } = server.address() as AddressInfo;

const pin = fingerprint(cert, 'sha256');
const body = await new Promise<string>((resolve, reject) => {
  https
    .get(`https://127.0.0.1:${port}/`, { pin }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve(`${res.statusCode} ${text}`));
    })
    .on('error', reject);
});
process.stdout.write(body);

// Graceful: requests in flight finish, connections get close_notify.
await server.close();
