/**
 * Golden transcripts (after Go's crypto/tls tests): whole SSL 3.0 conversations between our
 * client and server with every random value from seededRandom() (the hello Randoms with
 * randomHelloTime, session IDs, pre_master_secret, PKCS #1 padding, RSA blinding) and fixed
 * identities, compared byte for byte with the files in test/fixtures/golden. One per suite,
 * one for resumption and one for client authentication. A change that alters the wire shows
 * up here; when it is meant, regenerate with
 *
 *   SSL3_UPDATE_GOLDEN=1 npx vitest run test/connection/golden.test.ts
 *
 * and review the diff. Each transcript is also explained (src/trace/explain) with the fixture
 * server key: every record's MAC and both Finished check, so a golden file is never garbage.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CIPHER_SUITES, type CipherSuite } from '../../src/ciphers/suites.js';
import type { ConnectionOptions } from '../../src/connection/connection.js';
import { SessionCache, type Session } from '../../src/handshake/session.js';
import { parsePrivateKey } from '../../src/pki/keys.js';
import { parseCertificates } from '../../src/pki/x509.js';
import { explainCapture } from '../../src/trace/explain.js';
import { emptyKeyLog } from '../../src/trace/explain-keys.js';
import { fromHex, toHex } from '../../src/util/bytes.js';
import { seededRandom } from '../../src/util/random.js';
import { pair, type Side } from './pair.js';
import { ENDPOINTS, recorder } from '../trace/capture-helpers.js';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'golden');
const UPDATE = process.env.SSL3_UPDATE_GOLDEN === '1';
/** 2025-01-01T00:00:00Z: session times (not on the wire with randomHelloTime, but kept fixed). */
const NOW = () => 1_735_689_600_000;

function identityOf(who: 'server' | 'client'): { certificateChain: Uint8Array[]; privateKey: ReturnType<typeof parsePrivateKey> } {
  return {
    certificateChain: [parseCertificates(readFileSync(join(DIR, `${who}-cert.pem`), 'utf8'))[0].raw],
    privateKey: parsePrivateKey(readFileSync(join(DIR, `${who}-key.pem`), 'utf8')),
  };
}
const SERVER = identityOf('server');
const CLIENT = identityOf('client');

interface Wire {
  from: 'C' | 'S';
  record: Uint8Array;
}

/** One conversation: handshake, a request and a response, close_notify each way; every record written, in order. */
function conversation(suite: CipherSuite, seed: string, extra: { client?: Partial<ConnectionOptions>; server?: Partial<ConnectionOptions> } = {}): { wire: Wire[]; client: Side } {
  const wire: Wire[] = [];
  const seeded = (role: string): Partial<ConnectionOptions> => ({ suites: [suite], random: seededRandom(`golden ${role} ${seed}`), now: NOW, randomHelloTime: true });
  const { client, server } = pair({
    client: { ...seeded('client'), ...extra.client },
    server: { ...seeded('server'), ...SERVER, ...extra.server },
    toServer: (record) => (wire.push({ from: 'C', record }), record),
    toClient: (record) => (wire.push({ from: 'S', record }), record),
  });
  expect(client.secure, `the ${suite.iosKeyword} handshake completed`).toHaveLength(1);
  client.conn.write(new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n'));
  server.conn.write(new TextEncoder().encode('HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello'));
  client.conn.close();
  expect(server.closed?.clean).toBe(true);
  return { wire, client };
}

function text(name: string, connections: readonly Wire[][]): string {
  const lines = [`# golden transcript ${name}: each record as written, C client to server, S server to client`, '# regenerate: SSL3_UPDATE_GOLDEN=1 npx vitest run test/connection/golden.test.ts'];
  connections.forEach((wire, i) => {
    lines.push(`# connection ${i + 1}`);
    for (const w of wire) lines.push(`${w.from} ${toHex(w.record)}`);
  });
  return `${lines.join('\n')}\n`;
}

/** Compares with the golden file byte for byte (or writes it under SSL3_UPDATE_GOLDEN=1). */
function golden(name: string, connections: readonly Wire[][]): void {
  const file = join(DIR, `${name}.txt`);
  const actual = text(name, connections);
  if (UPDATE || !existsSync(file)) {
    if (!UPDATE) throw new Error(`no golden transcript ${file}: run with SSL3_UPDATE_GOLDEN=1 to write it`);
    writeFileSync(file, actual);
  }
  expect(actual, `${name} differs from its golden transcript (SSL3_UPDATE_GOLDEN=1 rewrites it when the change is meant)`).toBe(readFileSync(file, 'utf8'));
}

/** The golden file's conversations, replayed into a capture and explained with the fixture server key. */
function explainGolden(name: string): ReturnType<typeof explainCapture> {
  const rec = recorder();
  const lines = readFileSync(join(DIR, `${name}.txt`), 'utf8').split('\n');
  let flow: ReturnType<typeof rec.file.flow> | undefined;
  let n = 0;
  for (const line of lines) {
    if (line.startsWith('# connection')) {
      flow?.close();
      flow = rec.file.flow({ ...ENDPOINTS, clientPort: ENDPOINTS.clientPort + n++ });
    } else if (/^[CS] /.test(line)) flow!.data(line[0] === 'C' ? 'client-to-server' : 'server-to-client', fromHex(line.slice(2)));
  }
  flow?.close();
  return explainCapture(rec.bytes(), { keyLog: emptyKeyLog(), serverKeys: [{ name: 'server-key.pem', key: SERVER.privateKey }] });
}

function expectExplained(name: string, kinds: readonly string[]): void {
  const e = explainGolden(name);
  expect(e.connections.map((c) => c.handshakes[0].kind)).toEqual(kinds);
  for (const c of e.connections) {
    expect(c.records.filter((r) => r.encrypted).every((r) => r.decryption?.ok)).toBe(true);
    expect(c.handshakes[0].finished.map((f) => f.ok)).toEqual([true, true]);
  }
}

describe('golden transcripts', () => {
  it.each(CIPHER_SUITES.map((s) => [s.iosKeyword, s] as const))('%s', (keyword, suite) => {
    const { wire } = conversation(suite, keyword);
    golden(`suite-${keyword}`, [wire]);
    expectExplained(`suite-${keyword}`, ['full']);
  });

  it('resumption: a full handshake, then the session resumed', () => {
    const suite = CIPHER_SUITES.find((s) => s.iosKeyword === 'rc4-128-sha')!;
    const sessionCache = new SessionCache({ now: NOW });
    const first = conversation(suite, 'resumption 1', { server: { sessionCache } });
    const session: Session = first.client.secure[0].session;
    const second = conversation(suite, 'resumption 2', { server: { sessionCache }, client: { session } });
    expect(second.client.secure[0].resumed).toBe(true);
    golden('resumption', [first.wire, second.wire]);
    expectExplained('resumption', ['full', 'resumed']);
  });

  it('client authentication: Certificate, CertificateVerify', () => {
    const suite = CIPHER_SUITES.find((s) => s.iosKeyword === '3des-ede-cbc-sha')!;
    const { wire } = conversation(suite, 'client auth', { server: { requestCert: true, requireCert: true }, client: CLIENT });
    golden('client-authentication', [wire]);
    expectExplained('client-authentication', ['full']);
    expect(explainGolden('client-authentication').connections[0].handshakes[0].certificate_verify?.ok).toBe(true);
  });

  it('the same seed gives the same bytes; another seed other bytes', () => {
    const suite = CIPHER_SUITES[0];
    const hex = (w: Wire[]) => w.map((x) => toHex(x.record)).join(' ');
    expect(hex(conversation(suite, 'again').wire)).toBe(hex(conversation(suite, 'again').wire));
    expect(hex(conversation(suite, 'again').wire)).not.toBe(hex(conversation(suite, 'other').wire));
  });
});
