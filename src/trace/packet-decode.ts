/**
 * From a captured frame to a TCP segment: the link layer (one table of the link types
 * tcpdump, dumpcap and our own writer use: https://www.tcpdump.org/linktypes.html), then IPv4
 * (RFC 791 section 3.1) or IPv6 (RFC 8200 sections 3 and 4, walking the extension headers),
 * then the TCP header (RFC 793 section 3.1). Checksums are not checked: captures taken on the
 * sending host carry the blank checksums of checksum offload, and Wireshark does not check
 * them either by default.
 *
 * A frame that is not TCP over IP is skipped with a reason; a frame the snapshot length cut
 * keeps what was captured and says how much is missing, so reassembly can report the gap.
 */
import { formatIpAddress } from '../pki/x509.js';

export interface TcpSegment {
  readonly frame: number;
  readonly time: number;
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  /** The payload bytes captured. */
  readonly payload: Uint8Array;
  /** Payload bytes the frame carried on the wire but the capture did not keep (snapshot length). */
  readonly missing: number;
}

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_ACK = 0x10;

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
/** 802.1Q and 802.1ad VLAN tags: 4 bytes each before the real EtherType. */
const ETHERTYPE_VLAN = new Set([0x8100, 0x88a8, 0x9100]);
/** BSD loopback address families (linktypes.html, LINKTYPE_NULL): AF_INET is 2; AF_INET6 is 24, 28 or 30 (the BSDs, macOS). */
const AF_INET = 2;
const AF_INET6 = new Set([24, 28, 30]);
const PROTOCOL_TCP = 6;
/** IPv6 extension headers that can precede TCP (RFC 8200 section 4): hop-by-hop, routing, destination options. */
const IPV6_SKIPPABLE = new Set([0, 43, 60]);
const IPV6_FRAGMENT = 44;

type NetworkLayer = { version: 4 | 6; offset: number } | { skip: string };

/** Where the IP header starts in a frame of one link type, and which IP version it is. */
interface LinkType {
  readonly name: string;
  network(frame: Uint8Array): NetworkLayer;
}

function byEtherType(type: number, offset: number): NetworkLayer {
  if (type === ETHERTYPE_IPV4) return { version: 4, offset };
  if (type === ETHERTYPE_IPV6) return { version: 6, offset };
  return { skip: `EtherType 0x${type.toString(16).padStart(4, '0')} is not IP` };
}

function u16(b: Uint8Array, at: number): number {
  return (b[at] << 8) | b[at + 1];
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
}

function byFamily(family: number): NetworkLayer {
  if (family === AF_INET) return { version: 4, offset: 4 };
  if (AF_INET6.has(family)) return { version: 6, offset: 4 };
  return { skip: `address family ${family} is not IP` };
}

function byVersionNibble(frame: Uint8Array): NetworkLayer {
  const v = frame[0] >> 4;
  return v === 4 || v === 6 ? { version: v, offset: 0 } : { skip: `IP version ${v}` };
}

/** The link types we read, by their LINKTYPE_ value. */
export const LINK_TYPES: ReadonlyMap<number, LinkType> = new Map<number, LinkType>([
  [
    0,
    {
      // The family is in the capturing host's byte order: try both.
      name: 'BSD loopback (NULL)',
      network: (f) => {
        if (f.length < 4) return { skip: 'frame shorter than its loopback header' };
        const le = f[0] | (f[1] << 8) | (f[2] << 16) | (f[3] << 24);
        return le < 256 ? byFamily(le) : byFamily(u32(f, 0));
      },
    },
  ],
  [
    1,
    {
      name: 'Ethernet',
      network: (f) => {
        let at = 12;
        while (at + 2 <= f.length && ETHERTYPE_VLAN.has(u16(f, at))) at += 4;
        if (at + 2 > f.length) return { skip: 'frame shorter than its Ethernet header' };
        return byEtherType(u16(f, at), at + 2);
      },
    },
  ],
  [101, { name: 'raw IP', network: byVersionNibble }],
  [
    108,
    {
      name: 'OpenBSD loopback (LOOP)',
      network: (f) => (f.length < 4 ? { skip: 'frame shorter than its loopback header' } : byFamily(u32(f, 0))),
    },
  ],
  [
    113,
    {
      // Linux cooked capture v1: packet type, ARPHRD type, address length, 8 address bytes, protocol.
      name: 'Linux cooked (SLL)',
      network: (f) => (f.length < 16 ? { skip: 'frame shorter than its SLL header' } : byEtherType(u16(f, 14), 16)),
    },
  ],
  [228, { name: 'raw IPv4', network: () => ({ version: 4, offset: 0 }) }],
  [229, { name: 'raw IPv6', network: () => ({ version: 6, offset: 0 }) }],
  [
    276,
    {
      // Linux cooked capture v2: protocol first, then reserved, ifindex, ARPHRD, packet type, address length and address.
      name: 'Linux cooked (SLL2)',
      network: (f) => (f.length < 20 ? { skip: 'frame shorter than its SLL2 header' } : byEtherType(u16(f, 0), 20)),
    },
  ],
]);

export interface Frame {
  readonly frame: number;
  readonly linkType: number;
  readonly time: number;
  readonly data: Uint8Array;
  readonly originalLength: number;
}

/** The TCP segment in a frame, or why there is none. */
export function decodeFrame(p: Frame): TcpSegment | { skip: string } {
  const link = LINK_TYPES.get(p.linkType);
  if (!link) return { skip: `link type ${p.linkType} is not one ssl3 explain reads (${[...LINK_TYPES.values()].map((l) => l.name).join(', ')})` };
  const net = link.network(p.data);
  if ('skip' in net) return net;
  const cut = p.originalLength - p.data.length;
  return net.version === 4 ? ipv4(p, net.offset, cut) : ipv6(p, net.offset, cut);
}

function ipv4(p: Frame, at: number, cut: number): TcpSegment | { skip: string } {
  const b = p.data;
  if (at + 20 > b.length) return { skip: 'IPv4 header cut short' };
  const headerLength = (b[at] & 0x0f) * 4;
  const totalLength = u16(b, at + 2);
  if (b[at + 9] !== PROTOCOL_TCP) return { skip: `IP protocol ${b[at + 9]} is not TCP` };
  const fragment = u16(b, at + 6);
  if (fragment & 0x3fff) return { skip: 'an IPv4 fragment (IP reassembly is not done; TCP over IP is rarely fragmented)' };
  const src = formatIpAddress(b.subarray(at + 12, at + 16));
  const dst = formatIpAddress(b.subarray(at + 16, at + 20));
  // The total length, not the frame, ends the packet: Ethernet pads short frames. A sender's
  // own capture under TCP segmentation offload may show 0 there: then the frame decides.
  const end = totalLength ? at + totalLength : b.length + cut;
  return tcp(p, at + headerLength, end, src, dst, cut);
}

function ipv6(p: Frame, at: number, cut: number): TcpSegment | { skip: string } {
  const b = p.data;
  if (at + 40 > b.length) return { skip: 'IPv6 header cut short' };
  const end = at + 40 + u16(b, at + 4);
  let next = b[at + 6];
  let off = at + 40;
  while (IPV6_SKIPPABLE.has(next)) {
    if (off + 8 > b.length) return { skip: 'IPv6 extension header cut short' };
    next = b[off];
    off += (b[off + 1] + 1) * 8;
  }
  if (next === IPV6_FRAGMENT) return { skip: 'an IPv6 fragment (IP reassembly is not done)' };
  if (next !== PROTOCOL_TCP) return { skip: `IPv6 next header ${next} is not TCP` };
  return tcp(p, off, end, formatIpAddress(b.subarray(at + 8, at + 24)), formatIpAddress(b.subarray(at + 24, at + 40)), cut);
}

function tcp(p: Frame, at: number, ipEnd: number, src: string, dst: string, cut: number): TcpSegment | { skip: string } {
  const b = p.data;
  if (at + 20 > b.length) return { skip: 'TCP header cut short' };
  const headerLength = (b[at + 12] >> 4) * 4;
  if (headerLength < 20) return { skip: `TCP header length ${headerLength}` };
  // What the IP header says the payload is; the capture may hold less of it.
  const wireEnd = Math.max(at + headerLength, ipEnd);
  const capturedEnd = Math.min(wireEnd, b.length);
  const payload = b.subarray(Math.min(at + headerLength, capturedEnd), capturedEnd);
  return {
    frame: p.frame,
    time: p.time,
    src,
    dst,
    srcPort: u16(b, at),
    dstPort: u16(b, at + 2),
    seq: u32(b, at + 4),
    ack: u32(b, at + 8),
    flags: b[at + 13],
    payload,
    missing: cut > 0 ? wireEnd - capturedEnd : 0,
  };
}
