/**
 * The harness on TCP (src/harness/transport.ts): listening, it plays its conversations as the
 * server to our own client (connect()), one per connection in the order they come; as a
 * client, a port nobody listens on is a failure before the first step, not an exception.
 */
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { connect } from '../../src/socket/index.js';
import { formatResult, listenConversations, runAgainst, serverHandshake, type Conversation } from '../../src/harness/index.js';
import { certificateToPem, parseCertificate } from '../../src/pki/x509.js';
import { identity } from '../connection/pair.js';
import { freePort } from '../interop/nss-helpers.js';

describe('the harness on TCP', () => {
  it('plays one conversation per connection to our client, in order', async () => {
    const id = identity();
    const conversations: Conversation[] = [
      { name: 'greets', role: 'server', steps: [...serverHandshake(), { expect: 'application_data', contains: 'hi' }, { send: 'application_data', data: 'hello' }, { send: 'alert', alert: 'close_notify' }] },
      { name: 'refuses', role: 'server', steps: [{ expect: 'client_hello' }, { send: 'alert', alert: 'handshake_failure' }] },
    ];
    const listener = await listenConversations(conversations, { host: '127.0.0.1' }, { identity: { key: id.key, chain: [id.cert] } });
    const ca = certificateToPem(parseCertificate(id.cert));

    const first = connect({ host: '127.0.0.1', port: listener.port, ca, servername: 'server.test' });
    await once(first, 'secureConnect');
    first.end('hi');
    const chunks: Buffer[] = [];
    first.on('data', (d: Buffer) => chunks.push(d));
    await once(first, 'close');
    expect(Buffer.concat(chunks).toString()).toBe('hello');

    const second = connect({ host: '127.0.0.1', port: listener.port, ca, servername: 'server.test' });
    const [error] = (await once(second, 'error')) as [Error & { code?: string }];
    expect(error.message).toMatch(/peer sent fatal alert handshake_failure/);

    const results = await listener.done;
    expect(results.map((r) => r.passed), results.map((r) => formatResult(r)).join('\n')).toEqual([true, true]);
  });

  it('a refused connection fails before the first step', async () => {
    const port = await freePort();
    const r = await runAgainst({ name: 'nobody', role: 'client', steps: [{ send: 'client_hello' }] }, { host: '127.0.0.1', port });
    expect(r.passed).toBe(false);
    expect(r.failure).toEqual({ step: -1, expected: `a TCP connection to 127.0.0.1:${port}`, arrived: 'ECONNREFUSED' });
  });
});
