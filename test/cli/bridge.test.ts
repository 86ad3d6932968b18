/** `ssl3 bridge` flag errors: one line each, before anything listens (the forwarding itself: test/http/bridge.test.ts, test/interop/nss-server.test.ts). */
import { describe, expect, it } from 'vitest';
import { firstErrorLine } from '../helpers/cli.js';

describe('ssl3 bridge', () => {
  it('names what is wrong with its flags', async () => {
    expect(await firstErrorLine('bridge', [])).toEqual([2, 'ssl3 bridge: --to https://DEVICE/ is required']);
    expect(await firstErrorLine('bridge', ['--to', 'device'])).toEqual([2, "ssl3 bridge: --to: not a URL: 'device'"]);
    expect(await firstErrorLine('bridge', ['--to', 'http://device/'])).toEqual([2, 'ssl3 bridge: --to: only https:// devices (SSL 3.0), got http://']);
    expect(await firstErrorLine('bridge', ['--to', 'https://device/', '--listen', '70000'])).toEqual([2, "ssl3 bridge: --listen '70000': expected [ADDR:]PORT with PORT 1..65535"]);
    expect(await firstErrorLine('bridge', ['--to', 'https://device/', '--cert', 'c.pem'])).toEqual([2, 'ssl3 bridge: --cert and --key go together']);
    expect(await firstErrorLine('bridge', ['--to', 'https://device/', '--ca', '/nonexistent/ca.pem'])).toEqual([1, 'ssl3 bridge: --ca /nonexistent/ca.pem: no such file']);
  });
});
