/**
 * Every input `npm run fuzz` reported, replayed through its target's check (fuzz/targets),
 * so that what was found once stays fixed. Add a finding as it is saved in fuzz/findings/
 * (its target and its input JSON), with one line on what it was and what changed.
 */
import { describe, it } from 'vitest';
import { targetByName } from '../../fuzz/targets/index.js';
import { decodeInput, timed } from '../../fuzz/target.js';

interface Finding {
  target: string;
  /** What the fuzzer saw, and what was changed. */
  what: string;
  input: string;
}

const FINDINGS: readonly Finding[] = [
  {
    target: 'http-front',
    what:
      'after this request the health GET got no answer: on a loaded machine the harness sent close_notify 100 ms after the GET, ' +
      "and node's HTTP server drops a request it has not answered when the request stream ends (the server was fine; the health " +
      'request now waits for the server to close)',
    input:
      '{"flags":121,"chunks":["66666666666666660d0a474554a0687474703a2f2f6465766963653a3434332f61620d7320a35454502f312e310d0a486f73743a206f746865720d0a557067726164653a20776562736f636b65740d0a436f6e6e656374696f6e3a20557067726164650d0a436f6f6b69653a20613d623b20633d640d0a0d0a"]}',
  },
];

describe('fuzz findings, replayed', () => {
  for (const f of FINDINGS) {
    it(`${f.target}: ${f.what.slice(0, 80)}...`, async () => {
      const target = targetByName(f.target);
      if (!target) throw new Error(`no fuzz target named ${f.target}`);
      await target.start?.();
      try {
        await timed(target)(decodeInput(f.input));
      } finally {
        await target.stop?.();
      }
    });
  }
});
