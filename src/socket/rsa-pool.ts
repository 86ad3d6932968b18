/**
 * RSA private-key operations off the event loop: a pool of worker threads (rsa-worker.ts), as
 * many as the machine has cores unless told otherwise, behind the handshake's asynchronous
 * private-key step (handshake/private-key.ts). An RSA-2048 private operation takes
 * milliseconds of BigInt arithmetic; done on the event loop, a burst of full handshakes stalls
 * every other connection's records and resumed handshakes for as long. Here the loop only
 * posts a block and takes the answer, while the threads, and so the other cores, compute.
 *
 * Threads start on first use (or warm()), each key is sent to a thread once before its first
 * operation there (the most recently used keys are kept), an operation goes to the thread
 * with the fewest waiting, and idle threads never keep the process alive. A thread that dies
 * fails the operations it had, and is replaced on the next one.
 */
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { RsaPrivateKey } from '../pki/rsa-key.js';
import type { PrivateKeyOperations } from '../handshake/private-key.js';

/** From the pool to a thread. */
export type PoolRequest =
  | { op: 'key'; keyId: number; key: RsaPrivateKey }
  | { op: 'forget'; keyId: number }
  | { op: 'private'; id: number; keyId: number; input: Uint8Array };

/** From a thread: the block, or why there is none. */
export type PoolReply = { id: number; output: Uint8Array } | { id: number; error: string };

/** Keys the threads keep at once (a server has one or two; a changed identity brings another). */
const MAX_KEYS = 8;

interface Thread {
  readonly worker: Worker;
  readonly pending: Map<number, { resolve: (output: Uint8Array) => void; reject: (err: Error) => void }>;
  readonly keys: Set<number>;
}

/**
 * The thread's entry. Built, it is rsa-worker.js; run from source (tsx, vitest), a worker
 * thread has no TypeScript loader of its own on Node 20, so tsx's is registered in it first.
 */
function startThread(): Worker {
  const self = fileURLToPath(import.meta.url);
  if (!self.endsWith('.ts')) return new Worker(new URL('./rsa-worker.js', import.meta.url));
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const entry = new URL('./rsa-worker.ts', import.meta.url).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`, { eval: true });
}

export class RsaPool {
  private readonly threads: Thread[] = [];
  private readonly keyIds = new WeakMap<RsaPrivateKey, number>();
  /** Key ids the threads hold, least recently used first. */
  private readonly recent: number[] = [];
  private nextKey = 1;
  private nextId = 1;

  constructor(readonly size: number = availableParallelism()) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`an RSA pool needs at least one thread, got ${size}`);
  }

  /** The private-key operations of `key`, done in the pool's threads. */
  operations(key: RsaPrivateKey): PrivateKeyOperations {
    const op = (input: Uint8Array) => this.run(key, input);
    return { decrypt: op, sign: op };
  }

  /** Starts every thread now rather than at the first operation. */
  warm(): void {
    while (this.threads.length < this.size) this.spawn();
  }

  /** Ends the threads; operations still waiting fail. */
  async close(): Promise<void> {
    await Promise.all(this.threads.splice(0).map((t) => t.worker.terminate()));
  }

  private run(key: RsaPrivateKey, input: Uint8Array): Promise<Uint8Array> {
    const keyId = this.use(key);
    const thread = this.pick();
    if (!thread.keys.has(keyId)) {
      thread.worker.postMessage({ op: 'key', keyId, key } satisfies PoolRequest);
      thread.keys.add(keyId);
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      // Kept alive while it owes an answer, and only then.
      if (thread.pending.size === 1) thread.worker.ref();
      thread.worker.postMessage({ op: 'private', id, keyId, input } satisfies PoolRequest);
    });
  }

  /** The key's id, now the most recently used; the least recently used beyond MAX_KEYS is forgotten. */
  private use(key: RsaPrivateKey): number {
    let keyId = this.keyIds.get(key);
    if (keyId === undefined) {
      keyId = this.nextKey++;
      this.keyIds.set(key, keyId);
    }
    const at = this.recent.indexOf(keyId);
    if (at >= 0) this.recent.splice(at, 1);
    this.recent.push(keyId);
    while (this.recent.length > MAX_KEYS) {
      const old = this.recent.shift()!;
      for (const t of this.threads) {
        if (t.keys.delete(old)) t.worker.postMessage({ op: 'forget', keyId: old } satisfies PoolRequest);
      }
    }
    return keyId;
  }

  /** The thread with the fewest operations waiting; a new one while some are busy and the pool is not full. */
  private pick(): Thread {
    let best: Thread | undefined;
    for (const t of this.threads) if (!best || t.pending.size < best.pending.size) best = t;
    if (!best || (best.pending.size > 0 && this.threads.length < this.size)) return this.spawn();
    return best;
  }

  private spawn(): Thread {
    const worker = startThread();
    const thread: Thread = { worker, pending: new Map(), keys: new Set() };
    this.threads.push(thread);
    worker.on('message', (reply: PoolReply) => {
      const p = thread.pending.get(reply.id);
      if (!p) return;
      thread.pending.delete(reply.id);
      if (!thread.pending.size) worker.unref();
      if ('output' in reply) p.resolve(reply.output);
      else p.reject(new Error(`RSA private-key operation failed: ${reply.error}`));
    });
    const gone = (why: string) => {
      const at = this.threads.indexOf(thread);
      if (at >= 0) this.threads.splice(at, 1);
      for (const p of thread.pending.values()) p.reject(new Error(`RSA worker thread ${why}`));
      thread.pending.clear();
    };
    worker.on('error', (err) => gone(`failed: ${err.message}`));
    worker.on('exit', (code) => gone(`exited (code ${code})`));
    // After the listeners: adding a 'message' listener refs a worker again.
    worker.unref();
    return thread;
  }
}

let shared: RsaPool | undefined;

/** The process's pool, made on first use: every server and client that asks for threads shares it. */
export function sharedRsaPool(): RsaPool {
  shared ??= new RsaPool();
  return shared;
}
