/**
 * Reads capture files as tcpdump, dumpcap and Wireshark write them, the counterpart of our
 * writer (pcap.ts), for `ssl3 explain`:
 *
 * - classic pcap: https://www.tcpdump.org/manpages/pcap-savefile.5.html (and
 *   draft-ietf-opsawg-pcap): a 24-byte file header whose magic number gives the byte order
 *   and the time unit (0xa1b2c3d4 microseconds, 0xa1b23c4d nanoseconds), then a 16-byte
 *   header per packet;
 * - pcapng: draft-ietf-opsawg-pcapng: blocks of type, length, body, length. A Section Header
 *   Block sets the byte order of its section; Interface Description Blocks give each
 *   interface's link type and time resolution (option if_tsresol); Enhanced, Simple and the
 *   obsolete Packet Blocks carry packets; a Decryption Secrets Block may carry a TLS key log
 *   (Wireshark's `editcap --inject-secrets`), which explain uses like --keylog.
 *
 * Only the bytes are read here; link layers are link-layer.ts's business. Frames are numbered
 * from 1 in file order, as Wireshark numbers them, so our output and tshark's can be compared.
 */
import { Ssl3Error } from '../util/errors.js';
import { utf8String } from '../util/bytes.js';

/** One packet as captured: `data` may be shorter than `originalLength` (the snapshot length cut it). */
export interface CapturedPacket {
  /** 1-based, in file order. */
  readonly frame: number;
  readonly linkType: number;
  /** Seconds since the epoch (fractional). */
  readonly time: number;
  readonly data: Uint8Array;
  readonly originalLength: number;
}

export interface CaptureFile {
  readonly format: 'pcap' | 'pcapng';
  readonly packets: CapturedPacket[];
  /** TLS key log text from pcapng Decryption Secrets Blocks. */
  readonly keyLogs: string[];
  /** What could not be read (a file cut short, unknown blocks that matter). */
  readonly notes: string[];
}

/** The input is not a capture file, or not one we can read: one clear line for the user. */
export class CaptureError extends Ssl3Error {
  constructor(message: string) {
    super('BAD_CAPTURE', message);
  }
}

const PCAP_MICRO = 0xa1b2c3d4;
const PCAP_NANO = 0xa1b23c4d;
const PCAPNG_SHB = 0x0a0d0d0a;
const PCAPNG_BYTE_ORDER = 0x1a2b3c4d;
/** pcapng block types (draft-ietf-opsawg-pcapng section 11.1). */
const BLOCK = { interface: 1, packet: 2, simple: 3, enhanced: 6, secrets: 10 } as const;
/** The shortest each of those blocks can be (12 bytes of framing plus its fixed fields). */
const MIN_LENGTH: Record<number, number> = { [BLOCK.interface]: 20, [BLOCK.packet]: 32, [BLOCK.simple]: 16, [BLOCK.enhanced]: 32, [BLOCK.secrets]: 20 };
/** Decryption Secrets Block: secrets type 'TLSK' (a TLS key log). */
const SECRETS_TLS_KEY_LOG = 0x544c534b;
const OPTION_END = 0;
const OPTION_IF_TSRESOL = 9;

/** Reads a pcap or pcapng file; throws CaptureError when it is neither. */
export function readCapture(bytes: Uint8Array): CaptureFile {
  if (bytes.length < 4) throw new CaptureError(`not a capture file: only ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magicLe = view.getUint32(0, true);
  if (magicLe === PCAPNG_SHB) return readPcapng(bytes, view);
  for (const little of [true, false]) {
    const magic = view.getUint32(0, little);
    if (magic === PCAP_MICRO || magic === PCAP_NANO) return readPcap(bytes, view, little, magic === PCAP_NANO ? 1e-9 : 1e-6);
  }
  throw new CaptureError(`not a pcap or pcapng file (it starts with ${[...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ')})`);
}

function readPcap(bytes: Uint8Array, view: DataView, little: boolean, unit: number): CaptureFile {
  if (bytes.length < 24) throw new CaptureError('pcap file header cut short');
  // The link type is the low 16 bits; the upper bits may carry an FCS length (pcap-savefile).
  const linkType = view.getUint32(20, little) & 0xffff;
  const packets: CapturedPacket[] = [];
  const notes: string[] = [];
  let off = 24;
  while (off < bytes.length) {
    if (off + 16 > bytes.length) {
      notes.push(`the file ends inside the header of packet ${packets.length + 1}: the capture was cut short`);
      break;
    }
    const seconds = view.getUint32(off, little);
    const fraction = view.getUint32(off + 4, little);
    const caplen = view.getUint32(off + 8, little);
    const origlen = view.getUint32(off + 12, little);
    if (off + 16 + caplen > bytes.length) {
      notes.push(`the file ends inside packet ${packets.length + 1}: the capture was cut short`);
      break;
    }
    packets.push({ frame: packets.length + 1, linkType, time: seconds + fraction * unit, data: bytes.subarray(off + 16, off + 16 + caplen), originalLength: origlen });
    off += 16 + caplen;
  }
  return { format: 'pcap', packets, keyLogs: [], notes };
}

interface Interface {
  linkType: number;
  /** Seconds per timestamp unit. */
  unit: number;
  snaplen: number;
}

/** if_tsresol: the high bit picks base 2, else base 10; the rest is the negative exponent. */
function tsresol(v: number): number {
  return v & 0x80 ? 2 ** -(v & 0x7f) : 10 ** -v;
}

function readPcapng(bytes: Uint8Array, view: DataView): CaptureFile {
  const packets: CapturedPacket[] = [];
  const keyLogs: string[] = [];
  const notes: string[] = [];
  let little = true;
  let interfaces: Interface[] = [];
  let off = 0;
  while (off < bytes.length) {
    try {
      off += readBlock(off);
    } catch (e) {
      // Damage after the first block: what came before it is still explained.
      if (!(e instanceof CaptureError) || off === 0) throw e;
      notes.push(`${e.message}; the rest of the file is not read`);
      break;
    }
  }
  return { format: 'pcapng', packets, keyLogs, notes };

  /** Reads the block at `off`; returns its length, or the bytes left when the file ends inside it. */
  function readBlock(off: number): number {
    if (off + 12 > bytes.length) {
      notes.push(`the file ends inside a block header at byte ${off}: the capture was cut short`);
      return bytes.length - off;
    }
    const typeLe = view.getUint32(off, true);
    if (typeLe === PCAPNG_SHB) {
      // A new section: its byte-order magic decides how everything in it is read.
      const bom = view.getUint32(off + 8, true);
      if (bom === PCAPNG_BYTE_ORDER) little = true;
      else if (view.getUint32(off + 8, false) === PCAPNG_BYTE_ORDER) little = false;
      else throw new CaptureError(`pcapng section at byte ${off} has no valid byte-order magic`);
      interfaces = [];
    }
    const type = view.getUint32(off, little);
    const length = view.getUint32(off + 4, little);
    if (length < (MIN_LENGTH[type] ?? 12) || length % 4 !== 0) throw new CaptureError(`pcapng block at byte ${off} has a bad length ${length}`);
    if (off + length > bytes.length) {
      notes.push(`the file ends inside a block at byte ${off} (${length} bytes announced, ${bytes.length - off} present): the capture was cut short`);
      return bytes.length - off;
    }
    const body = off + 8;
    const end = off + length - 4;
    switch (type) {
      case BLOCK.interface: {
        const iface: Interface = { linkType: view.getUint16(body, little), unit: 1e-6, snaplen: view.getUint32(body + 4, little) };
        forEachOption(view, body + 8, end, little, (code, at, len) => {
          if (code === OPTION_IF_TSRESOL && len >= 1) iface.unit = tsresol(bytes[at]);
        });
        interfaces.push(iface);
        break;
      }
      case BLOCK.enhanced:
      case BLOCK.packet: {
        const enhanced = type === BLOCK.enhanced;
        const ifIndex = enhanced ? view.getUint32(body, little) : view.getUint16(body, little);
        const iface = interfaces[ifIndex];
        if (!iface) throw new CaptureError(`pcapng packet block at byte ${off} names interface ${ifIndex}, which was not described`);
        const ts = view.getUint32(body + 4, little) * 2 ** 32 + view.getUint32(body + 8, little);
        const caplen = view.getUint32(body + 12, little);
        const origlen = view.getUint32(body + 16, little);
        const data = body + 20;
        if (data + caplen > end) throw new CaptureError(`pcapng packet block at byte ${off} holds fewer bytes than its captured length ${caplen}`);
        packets.push({ frame: packets.length + 1, linkType: iface.linkType, time: ts * iface.unit, data: bytes.subarray(data, data + caplen), originalLength: origlen });
        break;
      }
      case BLOCK.simple: {
        const iface = interfaces[0];
        if (!iface) throw new CaptureError(`pcapng simple packet block at byte ${off} before any interface was described`);
        const origlen = view.getUint32(body, little);
        // The captured length is implied: the original one, cut at the snapshot length and the block.
        const caplen = Math.min(origlen, iface.snaplen || origlen, end - (body + 4));
        packets.push({ frame: packets.length + 1, linkType: iface.linkType, time: NaN, data: bytes.subarray(body + 4, body + 4 + caplen), originalLength: origlen });
        break;
      }
      case BLOCK.secrets: {
        const secretsType = view.getUint32(body, little);
        const len = view.getUint32(body + 4, little);
        if (secretsType === SECRETS_TLS_KEY_LOG && body + 8 + len <= end) keyLogs.push(utf8String(bytes.subarray(body + 8, body + 8 + len)));
        break;
      }
      default:
        // Section headers, name resolution, statistics, custom blocks: nothing explain needs.
        break;
    }
    return length;
  }
}

/** Walks a pcapng option list (code, length, value padded to 4 bytes) up to opt_endofopt. */
function forEachOption(view: DataView, from: number, to: number, little: boolean, visit: (code: number, at: number, length: number) => void): void {
  let at = from;
  while (at + 4 <= to) {
    const code = view.getUint16(at, little);
    const length = view.getUint16(at + 2, little);
    if (code === OPTION_END || at + 4 + length > to) return;
    visit(code, at + 4, length);
    at += 4 + ((length + 3) & ~3);
  }
}
