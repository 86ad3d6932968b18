/**
 * The scripted-conversation API (src/harness) against our own engine, in memory: a correct
 * conversation passes in both roles; each misbehaviour the issue lists reaches the engine as
 * exactly that misbehaviour and draws the alert RFC 6101 names (or is accepted where SSL 3.0
 * allows it); a changed byte is the only difference on the wire; a failed step says which
 * step, what it expected and what arrived instead.
 */
import { describe, expect, it } from 'vitest';
import {
  clientFinish,
  clientHandshake,
  clientHello,
  clientResumption,
  formatResult,
  runConversation,
  serverFinish,
  serverFlight,
  serverHandshake,
  type Conversation,
  type Step,
} from '../../src/harness/index.js';
import { SessionCache } from '../../src/handshake/session.js';
import { seededRandom } from '../../src/util/random.js';
import { utf8String } from '../../src/util/bytes.js';
import { identity } from '../connection/pair.js';
import { engineWire } from './engine-wire.js';

const echo = (d: Uint8Array) => `echo: ${utf8String(d)}`;
const client = (name: string, steps: Step[], suites?: string[]): Conversation => ({ name, role: 'client', steps, suites, timeoutMs: 2_000 });
const server = (name: string, steps: Step[], suites?: string[]): Conversation => ({ name, role: 'server', steps, suites, timeoutMs: 2_000 });

async function againstServer(conversation: Conversation, options: Parameters<typeof engineWire>[1] = {}) {
  const wire = engineWire('server', options, echo);
  const result = await runConversation(conversation, wire, { identity: { key: identity('client').key, chain: [identity('client').cert] } });
  return { result, wire };
}

function expectPassed(r: Awaited<ReturnType<typeof runConversation>>): void {
  expect(r.passed, formatResult(r, { trace: true })).toBe(true);
}

const REQUEST = { send: 'application_data', data: 'ping' } as const;
const ECHO = { expect: 'application_data', contains: 'echo: ping' } as const;

describe('client conversations against our server engine', () => {
  it('a correct full handshake, then application data both ways', async () => {
    const { result, wire } = await againstServer(client('handshake', [...clientHandshake(), REQUEST, ECHO]));
    expectPassed(result);
    expect(utf8String(wire.data[0])).toBe('ping');
    expect(result.suite).toBe('TLS_RSA_WITH_AES_256_CBC_SHA');
    expect(result.version).toBe(0x0300);
    // Without a session cache the engine names no session (RFC 6101 5.6.1.3: an empty session_id).
    expect(result.session?.id.length).toBe(0);
    expect(result.session?.masterSecret.length).toBe(48);
  });

  const afterHandshake = (suite: string, ...steps: Step[]) => client(`${suite}`, [...clientHandshake(), ...steps], [suite]);
  const refused = (alert: string): Step[] => [{ expect: 'alert', alert: alert as never, level: 'fatal' }, { expect: 'close' }];

  it.each<[string, Conversation, Step[] | 'accepted']>([
    ['a MAC byte flipped (RC4)', afterHandshake('rc4-128-sha', { ...REQUEST, record: { mac: { byte: 0 } } }), refused('bad_record_mac')],
    ['the last MAC byte flipped (3DES)', afterHandshake('3des-ede-cbc-sha', { ...REQUEST, record: { mac: { byte: -1 } } }), refused('bad_record_mac')],
    ['padding_length off by one (AES)', afterHandshake('aes-128-cbc-sha', { ...REQUEST, record: { padding: { lengthByte: 8 } } }), refused('bad_record_mac')],
    ['padding longer than a block (DES)', afterHandshake('des-cbc-sha', { ...REQUEST, record: { padding: { length: 15 } } }), refused('bad_record_mac')],
    ['padding bytes of any value, which SSL 3.0 does not check (AES)', afterHandshake('aes-128-cbc-sha', { ...REQUEST, record: { padding: { fill: 0xa5 } } }), 'accepted'],
    ['the header version 3.1 after the handshake', afterHandshake('rc4-128-md5', { ...REQUEST, record: { version: 0x0301 } }), refused('handshake_failure')],
    ['the header type rewritten (the MAC covers the real one)', afterHandshake('rc4-128-md5', { ...REQUEST, record: { contentType: 22 } }), refused('bad_record_mac')],
    ['a body cut by one byte (3DES)', afterHandshake('3des-ede-cbc-sha', { ...REQUEST, record: { trim: 1 } }), refused('bad_record_mac')],
    ['a plaintext of 2^14 + 1 bytes', afterHandshake('rc4-128-sha', { send: 'application_data', data: 'x'.repeat(16385), split: [] }), refused('bad_record_mac')],
    ['an empty application-data record', afterHandshake('aes-256-cbc-sha', { send: 'application_data', data: '' }, REQUEST), 'accepted'],
    ['a warning alert the engine ignores', afterHandshake('rc4-128-sha', { send: 'alert', alert: 'certificate_unknown', level: 'warning' }, REQUEST), 'accepted'],
  ])('%s', async (_name, conversation, outcome) => {
    const full = { ...conversation, steps: [...conversation.steps, ...(outcome === 'accepted' ? [ECHO] : outcome)] };
    expectPassed((await againstServer(full)).result);
  });

  it.each<[string, string, Step[]]>([
    ['ChangeCipherSpec before the key exchange (CVE-2014-0224)', 'unexpected_message', [...clientHello(), { send: 'change_cipher_spec' }]],
    ['ChangeCipherSpec twice', 'unexpected_message', [...clientHello(), { send: 'client_key_exchange' }, { send: 'change_cipher_spec' }, { send: 'change_cipher_spec' }]],
    ['Finished without ChangeCipherSpec', 'unexpected_message', [...clientHello(), { send: 'client_key_exchange' }, { send: 'finished' }]],
    ['ClientKeyExchange twice', 'unexpected_message', [...clientHello(), { send: 'client_key_exchange' }, { send: 'client_key_exchange' }]],
    ['a wrong Finished', 'handshake_failure', [...clientHello(), { send: 'client_key_exchange' }, { send: 'change_cipher_spec' }, { send: 'finished', verifyData: '00'.repeat(36) }]],
    ['a Finished of 35 bytes', 'handshake_failure', [...clientHello(), { send: 'client_key_exchange' }, { send: 'change_cipher_spec' }, { send: 'finished', verifyData: '00'.repeat(35) }]],
    ['ChangeCipherSpec inside a split Finished (CVE-2004-0079 interleaving)', 'unexpected_message', [...clientHello(), { send: 'client_key_exchange' }, { send: 'finished', split: [2], between: [{ send: 'change_cipher_spec' }] }]],
    ['a ServerHello sent to a server', 'unexpected_message', [{ send: 'server_hello' }]],
  ])('%s: the engine answers %s', async (_name, alert, steps) => {
    const { result, wire } = await againstServer(client('misordered', [...steps, { expect: 'alert', alert: alert as never, level: 'fatal' }, { expect: 'close' }]));
    expectPassed(result);
    expect(wire.closed?.error).toBeDefined();
  });

  it('a message split at every byte, and three messages in one record cut at odd places, make a handshake', async () => {
    const conversation = client('fragmented', [
      { send: 'client_hello', split: Array.from({ length: 60 }, (_, i) => i + 1) },
      { expect: 'server_hello' },
      { expect: 'certificate' },
      { expect: 'certificate_request' },
      { expect: 'server_hello_done' },
      { send: 'messages', messages: [{ send: 'certificate' }, { send: 'client_key_exchange' }, { send: 'certificate_verify' }], split: [3, 400, 401] },
      { send: 'change_cipher_spec' },
      { send: 'finished' },
      { expect: 'change_cipher_spec' },
      { expect: 'finished' },
      REQUEST,
      ECHO,
    ]);
    const { result, wire } = await againstServer(conversation, { requestCert: true });
    expectPassed(result);
    expect(wire.conn.handshakeResult?.session.peerCertificates).toEqual([identity('client').cert]);
  });

  it('an SSLv2-format ClientHello (RFC 6101 Appendix E) with a 16-byte challenge', async () => {
    const steps: Step[] = [{ send: 'sslv2_client_hello' }, { expect: 'server_hello' }, { expect: 'certificate' }, { expect: 'server_hello_done' }, ...clientFinish(), REQUEST, ECHO];
    const { result, wire } = await againstServer(client('v2 hello', steps, ['rc4-128-md5']));
    expectPassed(result);
    expect(wire.conn.handshakeResult?.clientRandom.subarray(0, 16)).toEqual(new Uint8Array(16));
  });

  it('resumes the session of an earlier conversation, and a changed suite is not resumed', async () => {
    const sessionCache = new SessionCache();
    const first = (await againstServer(client('first', clientHandshake(), ['rc4-128-sha']), { sessionCache })).result;
    expectPassed(first);
    const wire = engineWire('server', { sessionCache }, echo);
    const resumed = await runConversation(client('resumed', [...clientResumption(), REQUEST, ECHO], ['rc4-128-sha']), wire, { session: first.session });
    expectPassed(resumed);
    expect(resumed.resumed).toBe(true);
    const changed = await runConversation(
      client('other suite', [{ send: 'client_hello', suites: ['3des-ede-cbc-sha'] }, { expect: 'server_hello', fields: { resumed: false, suite: '3des-ede-cbc-sha' } }]),
      engineWire('server', { sessionCache }),
      { session: first.session },
    );
    expectPassed(changed);
  });

  it('the one byte a step changes is the only byte that differs on the wire', async () => {
    const run = async (flip: boolean) => {
      const wire = engineWire('server', { random: seededRandom('server'), now: () => 1e12 }, echo);
      const steps: Step[] = [...clientHandshake(), { ...REQUEST, record: flip ? { mac: { byte: 5 } } : undefined }];
      await runConversation(client('precise', steps, ['rc4-128-sha']), wire, { random: seededRandom('client'), now: () => 1e12 });
      return wire.written;
    };
    const [good, bad] = [await run(false), await run(true)];
    expect(bad.length).toBe(good.length);
    expect(bad.slice(0, -1)).toEqual(good.slice(0, -1));
    const [a, b] = [good.at(-1)!, bad.at(-1)!];
    const differing = [...a.keys()].filter((i) => a[i] !== b[i]);
    // RC4: the record header (5), "ping" (4), then the MAC: its byte 5 is at 14, changed by XOR 1.
    expect(differing).toEqual([14]);
    expect(a[14] ^ b[14]).toBe(1);
  });
});

describe('what a result says', () => {
  it('a failed expectation names the step, what it expected and what arrived', async () => {
    const { result } = await againstServer(client('wrong version', [{ send: 'client_hello' }, { expect: 'server_hello', fields: { version: 0x0301 } }]));
    expect(result.passed).toBe(false);
    expect(result.failure).toEqual({ step: 1, expected: 'server_hello (version 3.1)', arrived: 'server_hello (45 bytes) (its version is 3.0)', why: undefined });
    expect(formatResult(result)).toMatch(/^FAIL wrong version: step 2 expected server_hello \(version 3\.1\); got server_hello .*\n {4}\s*\* step 1: send client_hello\n/);
    expect(result.trace.some((e) => e.kind === 'handshake' && e.direction === 'in' && e.name === 'server_hello')).toBe(true);
  });

  it('waits for nothing, and says when nothing came', async () => {
    const { result } = await againstServer(client('silence', [{ expect: 'nothing', ms: 30 }, { expect: 'alert', timeoutMs: 30 }]));
    expect(result.failure).toMatchObject({ step: 1, arrived: 'nothing' });
  });

  it('a step that cannot be carried out fails with the reason', async () => {
    const { result } = await againstServer(client('no key', [{ send: 'client_key_exchange' }]));
    expect(result.failure?.arrived).toMatch(/^the step cannot be carried out: client_key_exchange needs the server certificate key/);
  });

  it('an alternative marked final ends the conversation as passed', async () => {
    const steps: Step[] = [{ send: 'client_hello', version: 0x0200 }, { expect: 'one_of', options: [{ expect: 'alert', final: true }, { expect: 'server_hello' }] }, { expect: 'finished' }];
    expectPassed((await againstServer(client('refused', steps))).result);
  });
});

describe('server conversations against our client engine', () => {
  async function againstClient(conversation: Conversation, options: Parameters<typeof engineWire>[1] = {}) {
    const wire = engineWire('client', options);
    const id = identity();
    const result = await runConversation(conversation, wire, { identity: { key: id.key, chain: [id.cert] } });
    return { result, wire };
  }

  it('a correct handshake; the client writes, we answer, it reads', async () => {
    const wire = engineWire('client');
    const id = identity();
    const conversation = server('handshake', [...serverHandshake(), { send: 'application_data', data: 'hello client' }, { wait: 20 }]);
    const result = await runConversation(conversation, wire, { identity: { key: id.key, chain: [id.cert] } });
    expectPassed(result);
    expect(wire.conn.isOpen || wire.closed?.clean).toBe(true);
    expect(utf8String(wire.data[0])).toBe('hello client');
  });

  it('our whole flight in one record is read as three messages', async () => {
    const steps: Step[] = [{ expect: 'client_hello' }, { send: 'messages', messages: serverFlight() as never }, ...serverFinish()];
    expectPassed((await againstClient(server('one record', steps))).result);
  });

  it.each<[string, string, Step[]]>([
    ['a ServerHello with version 3.1 to a client that offered 3.0', 'handshake_failure', [{ send: 'server_hello', version: 0x0301 }]],
    ['a suite the client did not offer', 'illegal_parameter', [{ send: 'server_hello', suite: 'null-md5' }]],
    ['a certificate that does not parse', 'bad_certificate', [{ send: 'server_hello' }, { send: 'certificate', certificates: ['3003020100'] }]],
    ['a wrong server Finished', 'handshake_failure', [...serverFlight(), { expect: 'client_key_exchange' }, { expect: 'change_cipher_spec' }, { expect: 'finished' }, { send: 'change_cipher_spec' }, { send: 'finished', verifyData: 'ff'.repeat(36) }]],
    ['a bad MAC on the server Finished', 'bad_record_mac', [...serverFlight(), { expect: 'client_key_exchange' }, { expect: 'change_cipher_spec' }, { expect: 'finished' }, { send: 'change_cipher_spec' }, { send: 'finished', record: { mac: { byte: 0 } } }]],
  ])('%s: the client answers %s', async (_name, alert, steps) => {
    const { result } = await againstClient(server('bad server', [{ expect: 'client_hello' }, ...steps, { expect: 'alert', alert: alert as never, level: 'fatal' }, { expect: 'close' }]));
    expectPassed(result);
  });

  it('a HelloRequest after the handshake is ignored (RFC 6101 5.6.1.1)', async () => {
    const steps: Step[] = [...serverHandshake(), { send: 'hello_request' }, { expect: 'nothing', ms: 50 }, { send: 'application_data', data: 'still here' }];
    const { result, wire } = await againstClient(server('hello request', steps));
    expectPassed(result);
    await new Promise((r) => setTimeout(r, 20));
    expect(utf8String(wire.data[0])).toBe('still here');
  });
});
