/**
 * The sans-I/O engine (docs/architecture.md): a Connection takes bytes in and gives events
 * and bytes out; it never touches a socket or a clock. Here a client and a server Connection
 * are wired to each other in memory, with no network at all, and the client's trace shows
 * every record and handshake message as it is sent and received.
 *
 * Run: npx tsx examples/engine.ts
 */
import { Connection, formatTraceEvent, generateRsaKey, selfSignedCertificate, suiteByName } from 'ssl3';

const key = generateRsaKey(1024); // quick for an example; 2048 for real use
const cert = selfSignedCertificate({ key, hostname: 'engine.example' });
const suites = [suiteByName('rc4-128-md5')];

const decoder = new TextDecoder();
const server: Connection = new Connection(
  'server',
  { suites, certificateChain: [cert.raw], privateKey: key },
  {
    outputReady: () => pump(),
    data: (bytes) => server.write(new TextEncoder().encode(`you said: ${decoder.decode(bytes)}`)),
  },
);
const client: Connection = new Connection(
  'client',
  // The engine's own peer check (the socket layer builds one from ca, pin and servername):
  // here, accept exactly the certificate we expect.
  { suites, verifyPeer: (chain) => (sameBytes(chain[0], cert.raw) ? { ok: true } : { ok: false, kind: 'CERTIFICATE_UNTRUSTED', reason: 'not our server' }) },
  {
    outputReady: () => pump(),
    trace: (event) => console.log(formatTraceEvent(event)),
    secure: (result) => {
      console.log(`handshake done: ${result.suite.rfcName}`);
      client.write(new TextEncoder().encode('hello, engine')); // application data only once open
    },
    data: (bytes) => {
      console.log(decoder.decode(bytes));
      client.close(); // close_notify; the server answers with its own
    },
    close: (info) => console.log(`closed ${info.clean ? 'cleanly' : 'with an error'}`),
  },
);

/**
 * The whole "network": the engine queues what it would send, and the caller takes it
 * (takeOutput) after each call; here each side's output is the other side's input, until
 * both are quiet.
 */
function pump(): void {
  for (;;) {
    const toServer = client.takeOutput();
    const toClient = server.takeOutput();
    if (toServer.length === 0 && toClient.length === 0) return;
    if (toServer.length) server.receive(toServer);
    if (toClient.length) client.receive(toClient);
  }
}

client.start(); // the ClientHello is queued now
pump(); // and everything else follows from the events above

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
