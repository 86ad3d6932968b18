/**
 * Capture files for the explain tests, made without a network: SSL 3.0 conversations between
 * our client and server (test/connection/pair.ts) recorded by our pcap writer as raw IP
 * packets, then, with writers of the tests' own, wrapped in the other link layers
 * (https://www.tcpdump.org/linktypes.html) and written as classic pcap in either byte order
 * and time unit, or as pcapng (draft-ietf-opsawg-pcapng) with an optional Decryption Secrets
 * Block. tshark, where installed, confirms these files say what the tests claim.
 */
import { pair, type PairOptions, type Side } from '../connection/pair.js';
import { PcapFile, type FlowEndpoints } from '../../src/trace/pcap.js';
import { readCapture } from '../../src/trace/capture-reader.js';
import { concatBytes, fromHex } from '../../src/util/bytes.js';
import type { CaptureExplanation, ConnectionExplanation } from '../../src/trace/explain-model.js';

export interface Recorder {
  file: PcapFile;
  bytes(): Uint8Array;
}

/** A pcap file in memory with a clock that moves 1 ms per packet, so files are reproducible. */
export function recorder(mss = 16384, isnSeed = 7): Recorder {
  const chunks: Uint8Array[] = [];
  let t = 1_700_000_000_000;
  let r = isnSeed;
  const file = new PcapFile((c) => chunks.push(c), {
    mss,
    now: () => (t += 1),
    random: (n) => Uint8Array.from({ length: n }, () => (r = (r * 1103515245 + 12345) & 0x7fffffff) & 0xff),
  });
  return { file, bytes: () => concatBytes(...chunks) };
}

export const ENDPOINTS: FlowEndpoints = { clientAddress: '127.0.0.1', clientPort: 40000, serverAddress: '127.0.0.1', serverPort: 4433 };

/**
 * One SSL 3.0 connection between our client and server recorded in `rec`: the handshake, then
 * `script` (default: a request and a response), then close_notify each way and the FINs.
 */
export function converse(rec: Recorder, endpoints: FlowEndpoints, options: PairOptions = {}, script?: (client: Side, server: Side) => void): { client: Side; server: Side } {
  const flow = rec.file.flow(endpoints);
  const { client, server } = pair({
    ...options,
    toServer: (r, i) => {
      const out = options.toServer ? options.toServer(r, i) : r;
      for (const x of out === undefined ? [] : Array.isArray(out) ? out : [out]) flow.data('client-to-server', x);
      return out;
    },
    toClient: (r, i) => {
      const out = options.toClient ? options.toClient(r, i) : r;
      for (const x of out === undefined ? [] : Array.isArray(out) ? out : [out]) flow.data('server-to-client', x);
      return out;
    },
  });
  if (script) script(client, server);
  else if (client.conn.isOpen) {
    client.conn.write(new TextEncoder().encode('GET / HTTP/1.0\r\n\r\n'));
    server.conn.write(new TextEncoder().encode('HTTP/1.0 200 OK\r\n\r\nhello'));
  }
  client.conn.close();
  flow.close();
  return { client, server };
}

export interface RawFrame {
  data: Uint8Array;
  /** Seconds since the epoch. */
  time: number;
}

/** The IP packets of a raw-IP pcap (what our writer makes). */
export function ipFrames(pcap: Uint8Array): RawFrame[] {
  return readCapture(pcap).packets.map((p) => ({ data: p.data, time: p.time }));
}

/** Wraps an IP packet in a link layer (LINKTYPE_ values). */
export function encapsulate(ip: Uint8Array, linkType: number, options: { littleEndianNull?: boolean; vlan?: boolean } = {}): Uint8Array {
  const v6 = ip[0] >> 4 === 6;
  const etherType = v6 ? [0x86, 0xdd] : [0x08, 0x00];
  switch (linkType) {
    case 0: {
      const family = v6 ? 30 : 2; // macOS AF_INET6 / AF_INET
      const h = options.littleEndianNull === false ? [0, 0, 0, family] : [family, 0, 0, 0];
      return concatBytes(Uint8Array.from(h), ip);
    }
    case 108:
      return concatBytes(Uint8Array.of(0, 0, 0, v6 ? 24 : 2), ip);
    case 1: {
      const macs = Uint8Array.of(0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2);
      const tag = options.vlan ? Uint8Array.of(0x81, 0x00, 0x00, 0x2a) : new Uint8Array(0);
      // An Ethernet frame is at least 60 bytes: short ones are padded, past the IP packet's end.
      const frame = concatBytes(macs, tag, Uint8Array.from(etherType), ip);
      return frame.length < 60 ? concatBytes(frame, new Uint8Array(60 - frame.length)) : frame;
    }
    case 113: {
      // packet type 0 (to us), ARPHRD_LOOPBACK 772, address length 6, 8 address bytes, protocol.
      return concatBytes(Uint8Array.of(0, 0, 0x03, 0x04, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0), Uint8Array.from(etherType), ip);
    }
    case 276: {
      // protocol, reserved, ifindex 1, ARPHRD_LOOPBACK, packet type 0, address length 6, 8 address bytes.
      return concatBytes(Uint8Array.from(etherType), Uint8Array.of(0, 0, 0, 0, 0, 1, 0x03, 0x04, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0), ip);
    }
    case 101:
    case 228:
    case 229:
      return ip;
    default:
      throw new Error(`no encapsulation for link type ${linkType}`);
  }
}

function u32(v: number, little: boolean): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, little);
  return b;
}

function u16(v: number, little: boolean): Uint8Array {
  const b = new Uint8Array(2);
  new DataView(b.buffer).setUint16(0, v, little);
  return b;
}

function pad4(b: Uint8Array): Uint8Array {
  return b.length % 4 ? concatBytes(b, new Uint8Array(4 - (b.length % 4))) : b;
}

/** A classic pcap file; `snaplen` cuts packets as a capture with a small snapshot length would. */
export function pcapBytes(frames: readonly RawFrame[], linkType: number, options: { little?: boolean; nano?: boolean; snaplen?: number } = {}): Uint8Array {
  const little = options.little ?? true;
  const snaplen = options.snaplen ?? 262144;
  const parts = [u32(options.nano ? 0xa1b23c4d : 0xa1b2c3d4, little), u16(2, little), u16(4, little), u32(0, little), u32(0, little), u32(snaplen, little), u32(linkType, little)];
  for (const f of frames) {
    const seconds = Math.floor(f.time);
    const fraction = Math.round((f.time - seconds) * (options.nano ? 1e9 : 1e6));
    const data = f.data.subarray(0, snaplen);
    parts.push(u32(seconds, little), u32(fraction, little), u32(data.length, little), u32(f.data.length, little), data);
  }
  return concatBytes(...parts);
}

function block(type: number, body: Uint8Array, little: boolean): Uint8Array {
  const padded = pad4(body);
  const length = 12 + padded.length;
  return concatBytes(u32(type, little), u32(length, little), padded, u32(length, little));
}

/**
 * A pcapng file: a Section Header Block, one Interface Description Block (with if_tsresol when
 * `tsresol` is given: 6 is microseconds, 9 nanoseconds), optionally a Decryption Secrets Block
 * holding a TLS key log, then one Enhanced Packet Block per frame (a Simple Packet Block with
 * `simple`).
 */
export function pcapngBytes(frames: readonly RawFrame[], linkType: number, options: { little?: boolean; tsresol?: number; keyLog?: string; simple?: boolean } = {}): Uint8Array {
  const little = options.little ?? true;
  const unit = 10 ** -(options.tsresol ?? 6);
  const shb = block(0x0a0d0d0a, concatBytes(u32(0x1a2b3c4d, little), u16(1, little), u16(0, little), u32(0xffffffff, little), u32(0xffffffff, little)), little);
  const tsresolOption = options.tsresol === undefined ? new Uint8Array(0) : concatBytes(u16(9, little), u16(1, little), pad4(Uint8Array.of(options.tsresol)), u16(0, little), u16(0, little));
  const idb = block(1, concatBytes(u16(linkType, little), u16(0, little), u32(262144, little), tsresolOption), little);
  const parts = [shb, idb];
  if (options.keyLog !== undefined) {
    const text = new TextEncoder().encode(options.keyLog);
    parts.push(block(10, concatBytes(u32(0x544c534b, little), u32(text.length, little), text), little));
  }
  for (const f of frames) {
    if (options.simple) {
      parts.push(block(3, concatBytes(u32(f.data.length, little), f.data), little));
      continue;
    }
    const ts = Math.round(f.time / unit);
    parts.push(block(6, concatBytes(u32(0, little), u32(Math.floor(ts / 2 ** 32), little), u32(ts % 2 ** 32, little), u32(f.data.length, little), u32(f.data.length, little), f.data), little));
  }
  return concatBytes(...parts);
}

// --- rewriting TCP segments: retransmissions, reordering, overlaps -----------------------------

/** Where the TCP header starts in an IPv4 or IPv6 packet (no IPv6 extension headers). */
function tcpOffset(ip: Uint8Array): number {
  return ip[0] >> 4 === 6 ? 40 : (ip[0] & 0x0f) * 4;
}

function checksum(b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < b.length; i += 2) sum += (b[i] << 8) | (b[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** A TCP packet like `template` (IPv4 or IPv6) with another sequence number and payload; lengths and checksums redone. */
export function retcp(template: Uint8Array, seq: number, payload: Uint8Array): Uint8Array {
  const at = tcpOffset(template);
  const thl = (template[at + 12] >> 4) * 4;
  const p = concatBytes(template.subarray(0, at + thl), payload);
  const v = new DataView(p.buffer);
  const tcpLength = p.length - at;
  let pseudo: Uint8Array;
  if (at === 40 && p[0] >> 4 === 6) {
    v.setUint16(4, tcpLength);
    pseudo = concatBytes(p.subarray(8, 40), u32(tcpLength, false), Uint8Array.of(0, 0, 0, 6));
  } else {
    v.setUint16(2, p.length);
    v.setUint16(10, 0);
    v.setUint16(10, checksum(p.subarray(0, at)));
    pseudo = concatBytes(p.subarray(12, 20), Uint8Array.of(0, 6), u16(tcpLength, false));
  }
  v.setUint32(at + 4, seq >>> 0);
  v.setUint16(at + 16, 0);
  v.setUint16(at + 16, checksum(concatBytes(pseudo, p.subarray(at))));
  return p;
}

export interface Segment {
  f: RawFrame;
  seq: number;
  payload: Uint8Array;
  /** The sender, as "address bytes/port". */
  from: string;
}

export function segments(frames: readonly RawFrame[]): Segment[] {
  return frames.map((f) => {
    const at = tcpOffset(f.data);
    const v6 = f.data[0] >> 4 === 6;
    const v = new DataView(f.data.buffer, f.data.byteOffset);
    const src = f.data.subarray(v6 ? 8 : 12, v6 ? 24 : 16).join('.');
    return { f, seq: v.getUint32(at + 4), payload: f.data.subarray(at + (f.data[at + 12] >> 4) * 4), from: `${src}/${v.getUint16(at)}` };
  });
}

/**
 * The same TCP traffic as a poor network and capture deliver it: every fourth data segment
 * swapped with the next one from the same sender (out of order), the next one retransmitted
 * after the following packet, the next split into two overlapping segments.
 */
export function messUp(frames: readonly RawFrame[]): RawFrame[] {
  const segs = segments(frames);
  const out: RawFrame[] = [];
  let dataCount = 0;
  let retransmit: RawFrame | undefined;
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i];
    const next = segs[i + 1];
    const step = s.payload.length ? ++dataCount % 4 : 0;
    if (step === 1 && next?.payload.length && next.from === s.from) {
      out.push(next.f, s.f);
      i++;
    } else if (step === 3 && s.payload.length > 20) {
      const half = s.payload.length >> 1;
      out.push({ time: s.f.time, data: retcp(s.f.data, s.seq, s.payload.subarray(0, half)) });
      out.push({ time: s.f.time, data: retcp(s.f.data, s.seq + (half >> 1), s.payload.subarray(half >> 1)) });
    } else out.push(s.f);
    if (retransmit) {
      out.push(retransmit);
      retransmit = undefined;
    }
    if (step === 2) retransmit = { time: s.f.time, data: s.f.data.slice() };
  }
  if (retransmit) out.push(retransmit);
  return out;
}

// --- reading an explanation -------------------------------------------------------------------

/** The application data each way, as the explanation decrypted it (latin1). */
export function applicationData(c: ConnectionExplanation): { toServer: string; toClient: string } {
  const of = (d: string) =>
    Buffer.concat(c.records.filter((r) => r.direction === d && r.content_type === 'application_data' && r.fragment !== undefined).map((r) => fromHex(r.fragment!))).toString('latin1');
  return { toServer: of('client-to-server'), toClient: of('server-to-client') };
}

/** The connections without frame numbers and times, which differ between captures of the same bytes. */
export function framesAside(e: CaptureExplanation): unknown {
  return JSON.parse(JSON.stringify(e.connections, (k, v: unknown) => (k === 'frame' || k === 'time' ? undefined : v)));
}
