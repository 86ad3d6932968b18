/**
 * Client certificates checked against a CRL (docs/library.md, "Revocation"): the server asks
 * for a certificate, validates it against the CA and refuses one the CA's CRL lists. Alice's
 * certificate is good; mallory's is revoked and gets the certificate_revoked alert. The CA,
 * the certificates and the CRL come from examples/make-ca.sh (OpenSSL's `openssl ca`).
 *
 * Run: bash examples/make-ca.sh demo-ca && npx tsx examples/revocation.ts demo-ca
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { connect, createServer } from 'ssl3';

const dir = process.argv[2] ?? 'demo-ca';
const file = (name: string) => readFileSync(join(dir, name));

const server = createServer(
  {
    key: file('localhost.key'),
    cert: file('localhost.pem'),
    requireCert: true, // ask for a client certificate and refuse clients without a valid one
    ca: file('ca.pem'),
    // 'required' (the default, as IOS): no valid CRL for the CA, no connection. The HTTPS
    // server would fetch CRLs from the certificates' distribution points; here it is given.
    revocation: { mode: 'required', crls: file('crl.pem') },
  },
  (socket) => {
    const peer = socket.getPeerCertificate();
    socket.end(`welcome, ${'subject' in peer ? peer.subject.CN : 'nobody'}\n`);
  },
);
server.on('tlsClientError', (err: Error) => console.log(`server refused a client: ${err.message}`));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;

function tryClient(name: string): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: file('ca.pem'), key: file(`${name}.key`), cert: file(`${name}.pem`) });
    let reply = '';
    socket.on('data', (chunk: Buffer) => (reply += chunk.toString()));
    socket.on('end', () => {
      process.stdout.write(`${name}: ${reply}`);
      resolve();
    });
    socket.on('error', (err: Error & { code?: string }) => {
      console.log(`${name}: refused, ${err.code}: ${err.message}`);
      resolve();
    });
  });
}

await tryClient('alice');
await tryClient('mallory');
server.close();
