/**
 * TCP reassembly for `ssl3 explain` (RFC 793 section 3.3, sequence numbers): the segments of
 * a capture, grouped into connections, turned back into the two byte streams each connection
 * carried. Captures are messy, so:
 * - retransmissions (a range seen before) are dropped, keeping the first copy; a copy with
 *   different bytes is reported;
 * - out-of-order segments are put in sequence order;
 * - several connections in one file are kept apart, also when a port pair is reused (a new
 *   SYN with another initial sequence number starts a new connection);
 * - a connection whose start is not in the capture begins at its lowest sequence number;
 * - what is missing (segments the capture lost, bytes the snapshot length cut) ends the stream
 *   at the first hole, with a note saying where and why: past a hole, SSL records cannot be
 *   framed.
 * Sequence arithmetic is modulo 2^32, so a stream may wrap around.
 *
 * Each stream keeps, for every byte range, the frame it came from, so a record can be placed
 * in the frame that completed it, as Wireshark places it.
 */
import { TCP_FIN, TCP_RST, TCP_SYN, TCP_ACK, type TcpSegment } from './packet-decode.js';

export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

/** A run of stream bytes that arrived in one frame. */
export interface StreamChunk {
  readonly offset: number;
  readonly length: number;
  readonly frame: number;
  readonly time: number;
}

/** What one end sent, in order, as far as the capture holds it without a hole. */
export interface TcpStream {
  readonly bytes: Uint8Array;
  readonly chunks: readonly StreamChunk[];
  /** The stream ended with a FIN (at `bytes.length`, nothing missing before it) or a reset. */
  readonly fin: boolean;
  readonly reset: boolean;
  /** Why the stream stops before its end, when it does: a hole in the capture. */
  readonly hole?: string;
  /** Retransmissions whose bytes differ from the first copy, and the like. */
  readonly notes: readonly string[];
}

export interface TcpConnection {
  /** endpoints[i] sent streams[i]. */
  readonly endpoints: readonly [Endpoint, Endpoint];
  readonly streams: readonly [TcpStream, TcpStream];
  /** The endpoint that sent the SYN, when the capture shows the connection open. */
  readonly initiator?: 0 | 1;
  readonly firstFrame: number;
}

interface Building {
  endpoints: [Endpoint, Endpoint];
  segments: [TcpSegment[], TcpSegment[]];
  /** The SYN's sequence number per side (the initial sequence number), once seen. */
  isn: [number | undefined, number | undefined];
  initiator?: 0 | 1;
  firstFrame: number;
  ended: boolean;
}

function endpointKey(address: string, port: number): string {
  return `${address}|${port}`;
}

/** Groups segments (in frame order) into connections and reassembles each direction. */
export function reassemble(segments: readonly TcpSegment[]): TcpConnection[] {
  const byPair = new Map<string, Building>();
  const all: Building[] = [];
  for (const s of segments) {
    const a = endpointKey(s.src, s.srcPort);
    const b = endpointKey(s.dst, s.dstPort);
    const pair = a < b ? `${a}-${b}` : `${b}-${a}`;
    let c = byPair.get(pair);
    const opening = (s.flags & (TCP_SYN | TCP_ACK)) === TCP_SYN;
    if (c && opening && startsAnother(c, s)) c = undefined;
    if (!c) {
      c = {
        endpoints: [
          { address: s.src, port: s.srcPort },
          { address: s.dst, port: s.dstPort },
        ],
        segments: [[], []],
        isn: [undefined, undefined],
        firstFrame: s.frame,
        ended: false,
      };
      byPair.set(pair, c);
      all.push(c);
    }
    const side = c.endpoints[0].address === s.src && c.endpoints[0].port === s.srcPort ? 0 : 1;
    if (s.flags & TCP_SYN) {
      c.isn[side] ??= s.seq;
      if (opening) c.initiator ??= side;
    }
    if (s.flags & (TCP_FIN | TCP_RST)) c.ended = true;
    c.segments[side].push(s);
  }
  return all.map((c) => ({
    endpoints: c.endpoints,
    streams: [assemble(c.segments[0], c.isn[0]), assemble(c.segments[1], c.isn[1])],
    initiator: c.initiator,
    firstFrame: c.firstFrame,
  }));
}

/** A SYN on a known port pair opens a new connection unless it repeats the one that opened it. */
function startsAnother(c: Building, s: TcpSegment): boolean {
  const side = c.endpoints[0].address === s.src && c.endpoints[0].port === s.srcPort ? 0 : 1;
  if (c.isn[side] === s.seq) return false;
  return c.ended || c.isn[side] !== undefined || c.segments[0].length + c.segments[1].length > 0;
}

/** Signed distance from `base` to `seq`, modulo 2^32. */
function distance(seq: number, base: number): number {
  return (seq - base) | 0;
}

function assemble(segments: readonly TcpSegment[], isn: number | undefined): TcpStream {
  const data = segments.filter((s) => s.payload.length + s.missing > 0);
  const notes: string[] = [];
  const finSegment = segments.find((s) => s.flags & TCP_FIN);
  const reset = segments.some((s) => s.flags & TCP_RST);
  // Stream offset 0 is the byte after the SYN, or, without a SYN, the lowest sequence number seen.
  let base = isn === undefined ? undefined : (isn + 1) >>> 0;
  if (base === undefined && data.length) {
    base = data[0].seq;
    for (const s of data) if (distance(s.seq, base) < 0) base = s.seq;
  }
  if (base === undefined) return { bytes: new Uint8Array(0), chunks: [], fin: !!finSegment, reset, notes };

  const items = data
    .map((s) => ({ s, start: distance(s.seq, base) }))
    .filter((x) => x.start + x.s.payload.length + x.s.missing > 0)
    .sort((x, y) => x.start - y.start || x.s.frame - y.s.frame);
  const total = items.reduce((n, x) => Math.max(n, x.start + x.s.payload.length), 0);
  const out = new Uint8Array(total);
  const chunks: StreamChunk[] = [];
  let next = 0;
  let hole: string | undefined;
  for (const { s, start } of items) {
    const end = start + s.payload.length;
    if (start > next) {
      hole = holeReason(next, start - next, s.frame);
      break;
    }
    if (end <= next) {
      // A retransmission of bytes already taken: keep the first copy, but say if they differ.
      const from = Math.max(0, start);
      if (!sameBytes(out.subarray(from, end), s.payload.subarray(from - start))) notes.push(`frame ${s.frame} retransmits stream bytes ${from}..${end} with different contents; the first copy is used`);
      continue;
    }
    out.set(s.payload.subarray(next - start), next);
    chunks.push({ offset: next, length: end - next, frame: s.frame, time: s.time });
    next = end;
    if (s.missing > 0) {
      // The snapshot length cut this frame: unless a retransmission brings them, the rest is gone.
      const refill = items.some((x) => x.start <= next && x.start + x.s.payload.length > next);
      if (!refill) {
        hole = `frame ${s.frame} was cut by the capture's snapshot length: ${s.missing} bytes of it are not in the file`;
        break;
      }
    }
  }
  const fin = !!finSegment && !hole && distance(finSegment.seq, base) <= next;
  if (!hole && finSegment && distance(finSegment.seq, base) > next) {
    hole = `${distance(finSegment.seq, base) - next} bytes before the FIN (frame ${finSegment.frame}) are not in the capture`;
  }
  return { bytes: out.subarray(0, next), chunks, fin, reset, hole, notes };
}

function holeReason(at: number, length: number, nextFrame: number): string {
  return `${length} bytes at stream offset ${at} are not in the capture (segments the capture lost; the next one it holds is frame ${nextFrame})`;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The frame that completed the stream bytes [start, end) (the latest frame among them) and its time. */
export function completingFrame(stream: TcpStream, start: number, end: number): { frame: number; time: number } {
  let best = { frame: 0, time: NaN };
  // Chunks are in offset order: find the first that reaches past `start`, then walk to `end`.
  let lo = 0;
  let hi = stream.chunks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const c = stream.chunks[mid];
    if (c.offset + c.length <= start) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < stream.chunks.length && stream.chunks[i].offset < end; i++) {
    const c = stream.chunks[i];
    if (c.frame > best.frame) best = { frame: c.frame, time: c.time };
  }
  return best;
}
