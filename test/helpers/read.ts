/**
 * Reading a reply of known length from a stream. A write does not arrive as one 'data' event:
 * under a CBC suite each write goes 1/n-1 (a 1-byte record, then the rest: the BEAST
 * countermeasure, as NSS does), and TCP may cut anywhere. So tests read until all of it came.
 */
import type { Readable } from 'node:stream';

/** Resolves with the first `n` bytes `stream` delivers, as text; rejects if it ends, fails or takes over `timeoutMs`. */
export function readBytes(stream: Readable, n: number, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const done = (error?: Error) => {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', done);
      if (error) reject(error);
      else resolve(Buffer.concat(chunks).toString());
    };
    const onData = (d: Buffer) => {
      chunks.push(d);
      length += d.length;
      if (length >= n) done();
    };
    const onEnd = () => done(new Error(`the stream ended after ${length} of ${n} bytes`));
    const timer = setTimeout(() => done(new Error(`${length} of ${n} bytes within ${timeoutMs} ms`)), timeoutMs);
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', done);
  });
}
