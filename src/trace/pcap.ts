/**
 * A pcap writer: turns the bytes of a connection, each way, into a classic libpcap capture
 * file that Wireshark and tshark open and, with our NSS key log, decrypt. Nothing is
 * captured from the network (that needs root): the TCP/IP packets are synthesized from the
 * byte streams, as a perfect network would carry them: a three-way handshake, data segments
 * with correct sequence and acknowledgement numbers and checksums, and a FIN exchange.
 *
 * - File format: https://www.tcpdump.org/manpages/pcap-savefile.5.html (a 24-byte file
 *   header, then a 16-byte record header per packet), written little-endian; readers tell
 *   the byte order from the magic number.
 * - IPv4 header and its checksum: RFC 791 section 3.1. IPv6 header: RFC 8200 section 3; the
 *   TCP checksum's IPv6 pseudo-header: RFC 8200 section 8.1.
 * - TCP header, sequence numbers (SYN and FIN each take one), checksum and its IPv4
 *   pseudo-header: RFC 793 section 3.1; the MSS option: RFC 793 section 3.1 ("Options").
 *
 * One PcapFile per file writes the file header once; each connection is a PcapFlow from
 * file.flow(), so one file holds many connections. It knows nothing of sockets: the socket
 * layer (or anyone) hands it addresses and bytes, and the sink decides where the file goes.
 */
import { parseIpAddress } from '../pki/hostname.js';
import { systemRandom, type RandomSource } from '../util/random.js';

export type PcapDirection = 'client-to-server' | 'server-to-client';

/** The two ends of one TCP connection, as the sockets report them. */
export interface FlowEndpoints {
  clientAddress: string;
  clientPort: number;
  serverAddress: string;
  serverPort: number;
}

/** One connection's recorder (a PcapFlow is one). */
export interface Flow {
  data(direction: PcapDirection, bytes: Uint8Array): void;
  close(first?: PcapDirection): void;
}

/** Something that records connections (a PcapFile is one): what the socket layer's `pcap` option takes. */
export interface FlowRecorder {
  flow(endpoints: FlowEndpoints): Flow;
}

export interface PcapFileOptions {
  /** Milliseconds since the epoch (fractions give microseconds); default: the system clock. */
  now?: () => number;
  /** For the initial sequence numbers; default: WebCrypto. */
  random?: RandomSource;
  /**
   * Largest TCP payload per packet. The default, 16 KiB, puts an SSL record (at most 2^14
   * bytes plus header, MAC and padding) in one or two segments, as a loopback capture shows
   * them; 1460 looks like Ethernet. At most 65475, so no IP packet (IPv6 header included) exceeds 65535 bytes.
   */
  mss?: number;
}

const MAGIC = 0xa1b2c3d4;
const SNAPLEN = 262144;
/**
 * LINKTYPE_RAW: each packet starts with its IPv4 or IPv6 header, and tshark picks the
 * dissector from the version nibble. Unlike LINKTYPE_ETHERNET (1) it needs no invented MAC
 * addresses, and one file can mix IPv4 and IPv6 connections. (The file value is 101; the
 * DLT_RAW constant of pcap-bpf.h is 12 or 14 depending on the OS, so it must not be used.)
 */
const LINKTYPE_RAW = 101;
const FILE_HEADER_LENGTH = 24;
const RECORD_HEADER_LENGTH = 16;
const IPV4_HEADER_LENGTH = 20;
const IPV6_HEADER_LENGTH = 40;
const TCP_HEADER_LENGTH = 20;
const MAX_MSS = 65535 - IPV6_HEADER_LENGTH - TCP_HEADER_LENGTH;
const PROTOCOL_TCP = 6;
const TTL = 64;
/** No window scaling: 65535 is the most a plain TCP header can advertise. */
const WINDOW = 65535;
/** The receiver acknowledges once this much is outstanding, so the sender never fills the window. */
const ACK_EVERY = WINDOW >> 1;

const FIN = 0x01;
const SYN = 0x02;
const PSH = 0x08;
const ACK = 0x10;
const EMPTY = new Uint8Array(0);

/** The RFC 791 / RFC 793 checksum: the one's complement of the one's complement sum of 16-bit words. */
function checksum(parts: readonly Uint8Array[]): number {
  let sum = 0;
  for (const p of parts) {
    // Only the last part may have an odd length (it is padded with a zero byte).
    for (let i = 0; i + 1 < p.length; i += 2) sum += (p[i] << 8) | p[i + 1];
    if (p.length & 1) sum += p[p.length - 1] << 8;
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

/** 4 bytes for IPv4, 16 for IPv6. An IPv4 client of a dual-stack listener shows as ::ffff:a.b.c.d; on the wire it is IPv4. */
function addressBytes(text: string): Uint8Array {
  const b = parseIpAddress(text);
  if (!b) throw new TypeError(`pcap: not an IP address: '${text}'`);
  const mapped = b.length === 16 && b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
  return mapped ? b.subarray(12) : b;
}

/** An IPv4 address as IPv4-mapped IPv6, for a flow given one address of each family (one IP header must carry both). */
function asIpv6(b: Uint8Array): Uint8Array {
  if (b.length === 16) return b;
  const out = new Uint8Array(16);
  out[10] = out[11] = 0xff;
  out.set(b, 12);
  return out;
}

function checkPort(port: number): number {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError(`pcap: bad port ${port}`);
  return port;
}

interface Side {
  address: Uint8Array;
  port: number;
  /** The next sequence number this side sends. */
  next: number;
  /** The IPv4 identification of its next packet. */
  id: number;
  /** Bytes sent that the other side has not acknowledged yet. */
  unacked: number;
}

/**
 * One TCP connection in the file. Created with its three-way handshake already written;
 * data() adds segments, close() the FIN exchange (later calls are ignored).
 */
export class PcapFlow implements Flow {
  private readonly client: Side;
  private readonly server: Side;
  private closed = false;

  constructor(
    private readonly write: (packet: Uint8Array) => void,
    endpoints: FlowEndpoints,
    isn: readonly [number, number],
    private readonly mss: number,
  ) {
    let c = addressBytes(endpoints.clientAddress);
    let s = addressBytes(endpoints.serverAddress);
    if (c.length !== s.length) [c, s] = [asIpv6(c), asIpv6(s)];
    this.client = { address: c, port: checkPort(endpoints.clientPort), next: isn[0], id: 1, unacked: 0 };
    this.server = { address: s, port: checkPort(endpoints.serverPort), next: isn[1], id: 1, unacked: 0 };
    this.send(this.client, this.server, SYN);
    this.send(this.server, this.client, SYN | ACK);
    this.send(this.client, this.server, ACK);
  }

  /** Bytes one side wrote, in order; the other side acknowledges them. */
  data(direction: PcapDirection, bytes: Uint8Array): void {
    if (this.closed || !bytes.length) return;
    const [from, to] = this.sides(direction);
    for (let off = 0; off < bytes.length; off += this.mss) {
      const end = Math.min(bytes.length, off + this.mss);
      // PSH on the last segment of a write, as a sender's stack sets it when its buffer empties.
      this.send(from, to, end === bytes.length ? ACK | PSH : ACK, bytes.subarray(off, end));
      if (from.unacked >= ACK_EVERY) this.send(to, from, ACK);
    }
    if (from.unacked) this.send(to, from, ACK);
  }

  /** The FIN exchange; `first` is the direction whose sender closes first. */
  close(first: PcapDirection = 'client-to-server'): void {
    if (this.closed) return;
    this.closed = true;
    const [a, b] = this.sides(first);
    this.send(a, b, FIN | ACK);
    this.send(b, a, FIN | ACK);
    this.send(a, b, ACK);
  }

  private sides(direction: PcapDirection): [Side, Side] {
    return direction === 'client-to-server' ? [this.client, this.server] : [this.server, this.client];
  }

  private send(from: Side, to: Side, flags: number, payload: Uint8Array = EMPTY): void {
    const v6 = from.address.length === 16;
    const ipLength = v6 ? IPV6_HEADER_LENGTH : IPV4_HEADER_LENGTH;
    // A SYN carries the MSS option (kind 2, length 4), so readers know the largest segment to expect.
    const tcpLength = (flags & SYN ? TCP_HEADER_LENGTH + 4 : TCP_HEADER_LENGTH) + payload.length;
    const packet = new Uint8Array(ipLength + tcpLength);
    const view = new DataView(packet.buffer);
    if (v6) {
      view.setUint32(0, 6 << 28); // version 6, traffic class 0, flow label 0
      view.setUint16(4, tcpLength);
      packet[6] = PROTOCOL_TCP;
      packet[7] = TTL;
      packet.set(from.address, 8);
      packet.set(to.address, 24);
    } else {
      packet[0] = 0x45; // version 4, header length 5 words
      view.setUint16(2, packet.length);
      view.setUint16(4, from.id);
      view.setUint16(6, 0x4000); // don't fragment
      packet[8] = TTL;
      packet[9] = PROTOCOL_TCP;
      packet.set(from.address, 12);
      packet.set(to.address, 16);
      view.setUint16(10, checksum([packet.subarray(0, IPV4_HEADER_LENGTH)]));
      from.id = (from.id + 1) & 0xffff;
    }
    const tcp = packet.subarray(ipLength);
    const t = new DataView(packet.buffer, ipLength);
    t.setUint16(0, from.port);
    t.setUint16(2, to.port);
    t.setUint32(4, from.next);
    t.setUint32(8, flags & ACK ? to.next : 0);
    const headerLength = tcpLength - payload.length;
    tcp[12] = (headerLength / 4) << 4;
    tcp[13] = flags;
    t.setUint16(14, WINDOW);
    if (flags & SYN) t.setUint32(20, (2 << 24) | (4 << 16) | this.mss);
    tcp.set(payload, headerLength);
    t.setUint16(16, checksum([this.pseudoHeader(from, to, tcpLength), tcp]));
    this.write(packet);

    from.next = (from.next + payload.length + (flags & (SYN | FIN) ? 1 : 0)) >>> 0;
    from.unacked += payload.length;
    if (flags & ACK) to.unacked = 0;
  }

  /** What the TCP checksum covers besides the segment: RFC 793 (IPv4) or RFC 8200 section 8.1 (IPv6). */
  private pseudoHeader(from: Side, to: Side, tcpLength: number): Uint8Array {
    const n = from.address.length;
    const p = new Uint8Array(n === 16 ? 40 : 12);
    p.set(from.address, 0);
    p.set(to.address, n);
    const view = new DataView(p.buffer);
    if (n === 16) {
      view.setUint32(32, tcpLength);
      p[39] = PROTOCOL_TCP;
    } else {
      p[9] = PROTOCOL_TCP;
      view.setUint16(10, tcpLength);
    }
    return p;
  }
}

/** A capture file: the file header goes to `sink` at once, then each packet as one chunk. */
export class PcapFile implements FlowRecorder {
  private readonly now: () => number;
  private readonly random: RandomSource;
  private readonly mss: number;

  constructor(
    private readonly sink: (chunk: Uint8Array) => void,
    options: PcapFileOptions = {},
  ) {
    this.now = options.now ?? (() => performance.timeOrigin + performance.now());
    this.random = options.random ?? systemRandom;
    this.mss = options.mss ?? 16384;
    if (!Number.isInteger(this.mss) || this.mss < 1 || this.mss > MAX_MSS) throw new RangeError(`pcap: mss must be 1..${MAX_MSS}, got ${this.mss}`);
    const header = new Uint8Array(FILE_HEADER_LENGTH);
    const view = new DataView(header.buffer);
    view.setUint32(0, MAGIC, true);
    view.setUint16(4, 2, true); // version 2.4
    view.setUint16(6, 4, true);
    // thiszone and sigfigs (8..15) stay 0: timestamps are UTC.
    view.setUint32(16, SNAPLEN, true);
    view.setUint32(20, LINKTYPE_RAW, true);
    sink(header);
  }

  /** A new connection in the file (its SYN, SYN-ACK and ACK are written now). */
  flow(endpoints: FlowEndpoints): PcapFlow {
    const r = this.random(8);
    const isn = new DataView(r.buffer, r.byteOffset, 8);
    return new PcapFlow((packet) => this.packet(packet), endpoints, [isn.getUint32(0), isn.getUint32(4)], this.mss);
  }

  /**
   * One IPv4 or IPv6 packet, written as it is: for captures made packet by packet, such as one
   * with retransmitted and reordered segments (the explain tests). `ms` defaults to the clock.
   */
  packet(packet: Uint8Array, ms = this.now()): void {
    const seconds = Math.floor(ms / 1000);
    const record = new Uint8Array(RECORD_HEADER_LENGTH + packet.length);
    const view = new DataView(record.buffer);
    view.setUint32(0, seconds, true);
    view.setUint32(4, Math.min(999_999, Math.floor((ms - seconds * 1000) * 1000)), true);
    // Packets are at most 65535 bytes, under the snapshot length: never truncated.
    view.setUint32(8, packet.length, true);
    view.setUint32(12, packet.length, true);
    record.set(packet, RECORD_HEADER_LENGTH);
    this.sink(record);
  }
}
