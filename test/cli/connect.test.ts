/** `ssl3 connect` flag and connection errors: one line each (the conversation itself: test/interop/nss-server.test.ts). */
import { describe, expect, it } from 'vitest';
import { firstErrorLine } from '../helpers/cli.js';
import { freePort } from '../interop/nss-helpers.js';

describe('ssl3 connect', () => {
  it('names what is wrong with its arguments', async () => {
    expect(await firstErrorLine('connect', [])).toEqual([2, 'ssl3 connect: give exactly one HOST[:PORT]']);
    expect(await firstErrorLine('connect', ['host:99999'])).toEqual([2, "ssl3 connect: 'host:99999': expected HOST[:PORT] with PORT 1..65535"]);
    expect(await firstErrorLine('connect', ['[::1]:0'])).toEqual([2, "ssl3 connect: '[::1]:0': expected HOST[:PORT] with PORT 1..65535"]);
    expect(await firstErrorLine('connect', ['host', '--reconnect', 'x'])).toEqual([2, "ssl3 connect: --reconnect must be a whole number from 0 to 100, got 'x'"]);
    expect(await firstErrorLine('connect', ['host', '--key', 'k.pem'])).toEqual([2, 'ssl3 connect: --cert and --key go together']);
  });

  it('says why it could not connect', async () => {
    const port = await freePort();
    expect(await firstErrorLine('connect', [`127.0.0.1:${port}`])).toEqual([1, `ssl3 connect: cannot connect to 127.0.0.1:${port}: connection refused`]);
  });
});
