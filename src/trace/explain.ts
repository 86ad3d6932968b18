/**
 * `ssl3 explain`: a capture file in, every SSL 3.0 connection in it explained (RFC 6101).
 * The pipeline: capture-reader.ts (pcap, pcapng) -> packet-decode.ts (link layer, IPv4/IPv6,
 * TCP) -> tcp-reassembly.ts (both byte streams of each connection) -> explain-connection.ts
 * (records, handshake, keys, decryption, checks). SSL is recognised by its first bytes, on
 * any port. Connections are explained in the order they start, so a resumed session finds the
 * full handshake that made it earlier in the same file.
 *
 * Pure: bytes and keys in, data out (explain-model.ts); the command reads the files.
 */
import { readCapture } from './capture-reader.js';
import { decodeFrame, type TcpSegment } from './packet-decode.js';
import { reassemble } from './tcp-reassembly.js';
import { explainConnection, type SessionTable } from './explain-connection.js';
import { readKeyLog, type ExplainKeys } from './explain-keys.js';
import type { CaptureExplanation } from './explain-model.js';

export function explainCapture(bytes: Uint8Array, keys: ExplainKeys): CaptureExplanation {
  const capture = readCapture(bytes);
  const notes = [...capture.notes];
  for (const text of capture.keyLogs) {
    const { used } = readKeyLog(text, keys.keyLog);
    notes.push(`the capture file carries a TLS key log (pcapng Decryption Secrets Block): ${used} usable lines`);
  }
  const segments: TcpSegment[] = [];
  const skipped = new Map<string, number[]>();
  for (const p of capture.packets) {
    const s = decodeFrame(p);
    if ('skip' in s) skipped.set(s.skip, [...(skipped.get(s.skip) ?? []), p.frame]);
    else segments.push(s);
  }
  for (const [why, frames] of skipped) notes.push(`${frames.length} frame${frames.length > 1 ? 's' : ''} skipped (${frames.slice(0, 5).join(', ')}${frames.length > 5 ? ', ...' : ''}): ${why}`);
  const sessions: SessionTable = new Map();
  const out: CaptureExplanation = { format: capture.format, frames: capture.packets.length, notes, connections: [], other_tcp_streams: [] };
  reassemble(segments).forEach((conn, tcpStream) => {
    const ex = explainConnection(conn, tcpStream, keys, sessions);
    if (ex) out.connections.push(ex);
    else out.other_tcp_streams.push(tcpStream);
  });
  return out;
}
