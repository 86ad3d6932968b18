/**
 * The IOS server policies on an HTTPS server (docs/library.md, "Server policies"): an access
 * list (`ip http access-class`), a connection limit (`ip http max-connections`), the timeout
 * policy, HTTP Basic authentication (`ip http authentication local`) and an access log. One
 * ServerPolicy may be shared by an HTTPS and a plain HTTP server, as IOS applies one set to
 * both; policy.update() changes it while they run.
 *
 * Run: npx tsx examples/policy.ts
 */
import type { AddressInfo } from 'node:net';
import { fingerprint, generateRsaKey, https, selfSignedCertificate } from 'ssl3';

const key = generateRsaKey(1024); // quick for an example; 2048 for real use
const cert = selfSignedCertificate({ key, hostname: 'localhost', ips: ['127.0.0.1'] });

const policy = new https.ServerPolicy({
  accessList: 'permit 127.0.0.0 0.255.255.255, deny any', // IOS standard ACL entries, first match wins
  maxConnections: 5,
  timeout: { idle: 30, life: 120, requests: 10 },
  auth: { users: { admin: 'change-me' } }, // realm level_15_access, as IOS
  accessLog: (entry) => console.log(`log: ${entry.method} ${entry.path} ${entry.status} ${entry.cipher} user=${entry.user ?? '-'}`),
});
const server = https.createServer({ key, cert: cert.raw, policy }, (_req, res) => res.end('the device page\n'));
await server.listen(0, '127.0.0.1');
const { port } = server.address() as AddressInfo;

/** GET / with optional credentials; resolves to the status code. */
function get(auth?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    https
      .get(`https://127.0.0.1:${port}/`, { pin: fingerprint(cert, 'sha256'), auth }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

console.log(`without credentials: ${await get()}`);
console.log(`as admin: ${await get('admin:change-me')}`);
const { accepted, denied, requests } = server.counters;
console.log(`connections accepted ${accepted}, denied ${denied}; requests ${requests}`);
await server.close();
