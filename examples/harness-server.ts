/**
 * The harness as a misbehaving server (docs/harness.md): listenConversations() plays one
 * conversation per connection to whatever client connects, here our own client (connect()).
 * The first connection gets a correct server; the second a ServerHello that claims TLS 1.0
 * to a client that offered SSL 3.0 only, which a correct client refuses.
 *
 * Run: npx tsx examples/harness-server.ts
 */
import { connect, generateRsaKey, selfSignedCertificate } from 'ssl3';
import { formatResult, listenConversations, serverHandshake, type Conversation } from 'ssl3/harness';

const key = generateRsaKey(1024);
const cert = selfSignedCertificate({ key, hostname: 'device.example' });

const conversations: Conversation[] = [
  { name: 'a correct server', role: 'server', steps: [...serverHandshake(), { send: 'application_data', data: 'hello' }, { send: 'alert', alert: 'close_notify' }] },
  {
    name: 'a ServerHello that claims TLS 1.0',
    role: 'server',
    steps: [{ expect: 'client_hello' }, { send: 'server_hello', version: 0x0301 }, { expect: 'alert', level: 'fatal', orClose: true }],
  },
];
const listener = await listenConversations(conversations, { host: '127.0.0.1' }, { identity: { key, chain: [cert.raw] } });

/** One connection of the client under test: what it read, or why it failed. */
function client(): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: listener.port, rejectUnauthorized: false });
    let text = '';
    socket.on('data', (d: Buffer) => (text += d.toString()));
    socket.on('end', () => resolve(`client read "${text}"`));
    socket.on('error', (e: Error) => resolve(`client refused: ${e.message}`));
  });
}
console.log(await client());
console.log(await client());
for (const result of await listener.done) console.log(formatResult(result, { trace: false }));
