/**
 * `--viewer FILE` of `ssl3 serve` and `ssl3 get`: the lesson of the connections as they
 * happen, written to FILE and written again as they go on. Each connection is recorded as
 * `--pcap` records it (a FlowRecorder: the socket layer hands it the bytes each way), in a
 * capture of its own kept in memory, and explained by the same code as `ssl3 view` and
 * `ssl3 explain`, with the key log lines the sockets emit (and, for a server, its own key, so
 * the derivation starts from the pre_master_secret). Only the latest connections are kept, so
 * a long-running server's memory stays bounded.
 *
 * The file holds secrets (the keys, the decrypted traffic): it is written 0600, atomically
 * (a browser reloading it never reads half a file).
 */
import { PcapFile, type Flow, type FlowEndpoints, type FlowRecorder, type PcapDirection } from '../trace/pcap.js';
import { explainCapture } from '../trace/explain.js';
import { emptyKeyLog, readKeyLog, type ExplainKeys, type ServerKey } from '../trace/explain-keys.js';
import type { ConnectionExplanation } from '../trace/explain-model.js';
import { concatBytes } from '../util/bytes.js';
import type { Lesson } from './lesson.js';

/** Connections a live lesson shows (the latest). */
export const LIVE_LESSON_CONNECTIONS = 50;
/** Changes within this many milliseconds make one write. */
const WRITE_DELAY_MS = 150;

interface Recorded {
  chunks: Uint8Array[];
  /** Its explanation, until it changes again. */
  explained?: { frames: number; connections: ConnectionExplanation[] };
}

/** Both recorders get every connection (--pcap and --viewer together). */
export function teeRecorders(...recorders: (FlowRecorder | undefined)[]): FlowRecorder | undefined {
  const all = recorders.filter((r): r is FlowRecorder => r !== undefined);
  if (all.length < 2) return all[0];
  return {
    flow(endpoints: FlowEndpoints): Flow {
      const flows = all.map((r) => r.flow(endpoints));
      return {
        data: (direction: PcapDirection, bytes: Uint8Array) => flows.forEach((f) => f.data(direction, bytes)),
        close: (first?: PcapDirection) => flows.forEach((f) => f.close(first)),
      };
    },
  };
}

export interface LiveLessonOptions {
  title: string;
  /** Writes the lesson (as a page: lesson-html.ts) to its file. */
  write: (lesson: Lesson) => Promise<void>;
  /** A write failed: the lesson stops writing. */
  failed: (error: Error) => void;
  serverKeys?: readonly ServerKey[];
}

export class LiveLesson implements FlowRecorder {
  private readonly recorded: Recorded[] = [];
  private dropped = 0;
  private readonly keys: ExplainKeys;
  private timer?: ReturnType<typeof setTimeout>;
  private writing: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly options: LiveLessonOptions) {
    this.keys = { keyLog: emptyKeyLog(), serverKeys: options.serverKeys ?? [] };
  }

  flow(endpoints: FlowEndpoints): Flow {
    const rec: Recorded = { chunks: [] };
    this.recorded.push(rec);
    if (this.recorded.length > LIVE_LESSON_CONNECTIONS) {
      this.recorded.shift();
      this.dropped++;
    }
    const changed = () => {
      rec.explained = undefined;
      this.soon();
    };
    const flow = new PcapFile((chunk) => {
      rec.chunks.push(chunk);
      changed();
    }).flow(endpoints);
    return flow;
  }

  /** A key log line from a socket ('keylog'): what decrypts the connections. */
  keylog(line: string | Uint8Array): void {
    readKeyLog(typeof line === 'string' ? line : new TextDecoder().decode(line), this.keys.keyLog);
    for (const r of this.recorded) r.explained = undefined;
    this.soon();
  }

  /** The lesson as it stands. */
  lesson(): Lesson {
    const connections: ConnectionExplanation[] = [];
    let frames = 0;
    for (const r of this.recorded) {
      r.explained ??= r.chunks.length ? explainCapture(concatBytes(...r.chunks), this.keys) : { frames: 0, connections: [] };
      frames += r.explained.frames;
      for (const c of r.explained.connections) connections.push({ ...c, tcp_stream: this.dropped + connections.length });
    }
    return { title: this.options.title, source: 'live', explanation: { format: 'pcap', frames, notes: [], connections, other_tcp_streams: [] }, ...(this.dropped ? { dropped: this.dropped } : {}) };
  }

  /** Writes the lesson now (after any write under way); a failure is thrown to the caller. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.writing = this.writing.then(() => (this.stopped ? undefined : this.options.write(this.lesson())));
    return this.writing;
  }

  /** The last write (a failure goes to `failed`, as later writes' do); nothing is written after it. */
  async close(): Promise<void> {
    const wasStopped = this.stopped;
    try {
      await this.flush();
    } catch (e) {
      if (!wasStopped) this.options.failed(e instanceof Error ? e : new Error(String(e)));
    } finally {
      this.stopped = true;
    }
  }

  private soon(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.flush().catch((e: unknown) => {
        this.stopped = true;
        this.options.failed(e instanceof Error ? e : new Error(String(e)));
      });
    }, WRITE_DELAY_MS);
    // A lesson to write never keeps the process alive: close() writes the last one.
    (this.timer as { unref?: () => void }).unref?.();
  }
}
