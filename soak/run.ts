/**
 * `npm run soak` (issue 13 item 6): waves of 1,000 concurrent SSL 3.0 clients (full and
 * resumed handshakes; prompt, idle and slow requests) against one HTTPS server with
 * max-connections raised to match (soak/load.ts), then the verdicts:
 * - every client served, or refused with the reason our client gives (no failure, no hang);
 * - no leak: after each wave and a full GC the server's active handles are back to their
 *   count before the first wave, its heap within HEAP_SLACK of it, and its RSS after the last
 *   wave within RSS_GROWTH of its RSS after the first (the allocator keeps pages it once
 *   needed, so RSS is judged across waves: a leak grows with every wave, a warm heap does not);
 * - the event loop never stalled longer than --stall-bound (default STALL_BASE_MS + STALL_MS_PER_CLIENT per client).
 * Exit 0 when all hold, 1 otherwise, 2 for bad flags.
 *
 *   npm run soak                                  3 waves of 1000, RSA-2048
 *   npm run soak -- --connections 200 --waves 2   smaller
 *   npm run soak -- --json soak.json
 */
import { writeFileSync } from 'node:fs';
import { loadAverage, scriptFlags } from '../test/helpers/script-flags.js';
import { mb, runSoak } from './load.js';

/**
 * The longest event-loop stall we accept (see README, "Fuzzing, timing, load"): when the
 * wave's barrier opens, every ready connection is served in one turn of the loop (libuv hands
 * over all ready sockets at once, and each answer is JavaScript work), so the stall grows with
 * the burst: up to 1.8 s for 1000 clients on the shared two-core machine at load 11-18 (0.5-0.7 s
 * since issue 14's TCP_NODELAY change), where a process can also wait a few hundred
 * milliseconds for a core. The bound:
 * STALL_BASE_MS, plus STALL_MS_PER_CLIENT for each client of a wave.
 */
export const STALL_BASE_MS = 500;
export const STALL_MS_PER_CLIENT = 2;
const HEAP_SLACK = 16 * 1048576;
const RSS_GROWTH = 0.15;

const USAGE = 'usage: npm run soak -- [--connections N] [--waves N] [--max-connections N] [--bits N] [--stall-bound MS] [--json FILE]';

const flags = scriptFlags('soak', USAGE, {
  connections: { type: 'string', default: '1000' },
  waves: { type: 'string', default: '3' },
  'max-connections': { type: 'string' },
  bits: { type: 'string', default: '2048' },
  'stall-bound': { type: 'string' },
  json: { type: 'string' },
});
const v = flags.values;
// Annotated, so that the compiler knows a call to it ends the script.
const fail: (message: string) => never = flags.fail;
const whole = (text: string | undefined, flag: string, min: number): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) fail(`${flag} ${text}: a whole number of at least ${min}`);
  return n;
};
const connections = whole(v.connections, '--connections', 1);
const waves = whole(v.waves, '--waves', 1);
const maxConnections = v['max-connections'] ? whole(v['max-connections'], '--max-connections', 1) : connections;
const bits = whole(v.bits, '--bits', 512);
if (![512, 1024, 2048, 3072, 4096].includes(bits)) fail(`--bits ${bits}: one of 512, 1024, 2048, 3072, 4096`);
const stallBound = v['stall-bound'] ? whole(v['stall-bound'], '--stall-bound', 1) : STALL_BASE_MS + STALL_MS_PER_CLIENT * connections;

const load = loadAverage;
const startLoad = load();
process.stdout.write(`soak: ${waves} waves of ${connections} clients, max-connections ${maxConnections}, RSA-${bits}; load average ${startLoad}\n`);
const report = await runSoak({ connections, waves, maxConnections, bits, log: (line) => process.stdout.write(`${line}\n`) });

const problems: string[] = [];
const { start } = report;
for (const w of report.waves) {
  const failed = Object.entries(w.outcomes).filter(([k]) => k.startsWith('failed'));
  if (failed.length) problems.push(`wave ${w.wave}: ${failed.map(([k, n]) => `${n} ${k}`).join(', ')}`);
  if (w.after.handles > start.handles) problems.push(`wave ${w.wave}: ${w.after.handles} active handles after, ${start.handles} before (${JSON.stringify(w.after.handleKinds)})`);
  if (w.after.heapUsed > start.heapUsed + HEAP_SLACK) problems.push(`wave ${w.wave}: heap ${mb(w.after.heapUsed)} after, ${mb(start.heapUsed)} before`);
  if (w.during.loop.max > stallBound) problems.push(`wave ${w.wave}: the event loop stalled ${w.during.loop.max.toFixed(0)} ms (bound ${stallBound} ms)`);
}
const first = report.waves[0].after.rss;
const last = report.waves.at(-1)!.after.rss;
if (report.waves.length > 1 && last > first * (1 + RSS_GROWTH)) problems.push(`RSS grew from ${mb(first)} after wave 1 to ${mb(last)} after wave ${report.waves.length}`);

const endLoad = load();
process.stdout.write(
  `\nserver: before ${mb(start.rss)} RSS, ${mb(start.heapUsed)} heap, ${start.handles} handles; after the last wave ${mb(last)} RSS, ${mb(report.waves.at(-1)!.after.heapUsed)} heap, ${report.waves.at(-1)!.after.handles} handles\n`,
);
process.stdout.write(`event loop: longest stall ${Math.max(...report.waves.map((w) => w.during.loop.max)).toFixed(0)} ms (bound ${stallBound} ms); load average at the start ${startLoad}, at the end ${endLoad}\n`);
if (v.json) writeFileSync(v.json, JSON.stringify({ ...report, load: { start: startLoad, end: endLoad } }, null, 2) + '\n');
process.stdout.write(problems.length ? `RESULT: ${problems.length} problem(s)\n${problems.map((p) => `  ${p}\n`).join('')}` : 'RESULT: every client served or refused with a reason; no leak; stalls within the bound\n');
process.exit(problems.length ? 1 : 0);
