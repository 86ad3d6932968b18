/**
 * The lesson `--viewer` keeps (src/viewer/live-lesson.ts), fed as the socket layer feeds a
 * capture: it explains each connection with the key log lines it is given, keeps the latest 50
 * (numbering them on), writes once shortly after a burst of changes, and stops at the first
 * write that fails, saying so once.
 */
import { describe, expect, it } from 'vitest';
import { LIVE_LESSON_CONNECTIONS, LiveLesson, teeRecorders } from '../../src/viewer/live-lesson.js';
import type { Lesson } from '../../src/viewer/lesson.js';
import { PcapFile } from '../../src/trace/pcap.js';
import { parseSuiteList } from '../../src/ciphers/suites.js';
import { converse, ENDPOINTS, type Recorder } from '../trace/capture-helpers.js';

const asRecorder = (lesson: LiveLesson) => ({ file: lesson }) as unknown as Recorder;
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a live lesson', () => {
  it('explains its connections with the key log it is given, and keeps the latest ones', async () => {
    const written: Lesson[] = [];
    const lesson = new LiveLesson({ title: 't', write: async (l) => void written.push(l), failed: (e) => written.push(e as never) });
    const total = LIVE_LESSON_CONNECTIONS + 2;
    for (let i = 0; i < total; i++) {
      const { client } = converse(asRecorder(lesson), { ...ENDPOINTS, clientPort: 40000 + i }, { client: { suites: parseSuiteList('rc4-128-md5') } });
      for (const line of client.keylog) lesson.keylog(line);
    }
    const now = lesson.lesson();
    expect(now.dropped).toBe(2);
    expect(now.explanation.connections).toHaveLength(LIVE_LESSON_CONNECTIONS);
    expect(now.explanation.connections.map((c) => c.tcp_stream)).toEqual(Array.from({ length: LIVE_LESSON_CONNECTIONS }, (_, i) => i + 2));
    expect(now.explanation.connections.map((c) => c.client)).toEqual(Array.from({ length: LIVE_LESSON_CONNECTIONS }, (_, i) => `127.0.0.1:${40002 + i}`));
    expect(now.explanation.connections.every((c) => c.records.filter((r) => r.encrypted).every((r) => r.decryption?.ok))).toBe(true);
    // The burst made one write, a moment later.
    expect(written).toEqual([]);
    await expect.poll(() => written.length).toBe(1);
    await wait(300);
    expect(written).toHaveLength(1);
    expect(written[0].explanation.connections).toHaveLength(LIVE_LESSON_CONNECTIONS);
    await lesson.close();
    expect(written).toHaveLength(2);
  });

  it('stops at the first write that fails, and says so once', async () => {
    const failures: string[] = [];
    let writes = 0;
    const lesson = new LiveLesson({
      title: 't',
      write: async () => {
        writes++;
        throw new Error('disk full');
      },
      failed: (e) => failures.push(e.message),
    });
    converse(asRecorder(lesson), ENDPOINTS);
    await wait(400);
    converse(asRecorder(lesson), { ...ENDPOINTS, clientPort: 40001 });
    await wait(400);
    await lesson.close();
    expect([writes, failures]).toEqual([1, ['disk full']]);
  });

  it('--pcap and --viewer together: both recorders get every byte', () => {
    const a: Uint8Array[] = [];
    const b: Uint8Array[] = [];
    const tee = teeRecorders(new PcapFile((c) => a.push(c), { now: () => 0 }), undefined, new PcapFile((c) => b.push(c), { now: () => 0 }))!;
    const flow = tee.flow(ENDPOINTS);
    flow.data('client-to-server', Uint8Array.of(22, 3, 0, 0, 0));
    flow.close();
    expect(a.length).toBeGreaterThan(3);
    expect(b.length).toBe(a.length);
    expect(teeRecorders(undefined, undefined)).toBeUndefined();
  });
});
