/**
 * A scripted SSL 3.0 client that misbehaves on purpose (docs/harness.md): each conversation
 * is data, a correct handshake from clientHandshake() with one step changed, run against a
 * server (here our own, on a free port; any host:port works the same). The harness derives
 * its keys with the engine's code, so a flipped MAC byte is the record's only fault.
 *
 * Run: npx tsx examples/harness.ts
 */
import type { AddressInfo } from 'node:net';
import { createServer, generateRsaKey, selfSignedCertificate } from 'ssl3';
import { clientHandshake, clientHello, formatResult, httpRequest, runAgainst, type Conversation } from 'ssl3/harness';

// The server under test: answers one request per connection.
const key = generateRsaKey(1024);
const cert = selfSignedCertificate({ key, hostname: 'device.example' });
const server = createServer({ key, cert: cert.raw }, (socket) => {
  socket.on('error', () => {}); // a misbehaving client ends in an alert: nothing to handle here
  socket.once('data', () => socket.end('HTTP/1.0 200 OK\r\n\r\nhello\n'));
});
server.on('tlsClientError', () => {});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const target = { host: '127.0.0.1', port: (server.address() as AddressInfo).port };

const request = 'GET / HTTP/1.0\r\n\r\n';
const conversations: Conversation[] = [
  { name: 'a correct handshake and request', role: 'client', suites: ['rc4-128-sha'], steps: [...clientHandshake(), ...httpRequest()] },
  {
    name: 'one MAC byte flipped (RFC 6101 5.2.3.1)',
    role: 'client',
    suites: ['aes-128-cbc-sha'],
    steps: [...clientHandshake(), { send: 'application_data', data: request, record: { mac: { byte: 0 } } }, { expect: 'alert', alert: 'bad_record_mac' }, { expect: 'close' }],
  },
  {
    name: 'ChangeCipherSpec before the key exchange (CVE-2014-0224)',
    role: 'client',
    steps: [...clientHello(), { send: 'change_cipher_spec' }, { expect: 'alert', alert: 'unexpected_message', level: 'fatal' }, { expect: 'close' }],
  },
  // An expectation this server does not meet: the result says which step, and what came instead.
  { name: 'a TLS 1.0 answer to a TLS 1.0 hello', role: 'client', steps: [{ send: 'client_hello', version: 0x0301 }, { expect: 'server_hello', fields: { version: 0x0301 } }] },
];
for (const conversation of conversations) console.log(formatResult(await runAgainst(conversation, target), { trace: false }));
server.close();
