/**
 * `ssl3 explain`'s explanation as text for a reader: per connection, each record in the
 * order the capture completed it, with its handshake messages (the fields the traces show,
 * handshake-fields.ts), the key derivation where the keys were derived, each encrypted
 * record's seq_num, MAC input, MAC, padding and verdict, and the Finished checks, under
 * RFC 6101's names. The same content as --json, which prints explain-model.ts as data.
 */
import { suiteByName } from '../ciphers/suites.js';
import { contentTypeName } from '../record/content-types.js';
import type { CaptureExplanation, ConnectionExplanation, ExpansionRound, HandshakeExplanation, KeyDerivation, RecordDecryption, RecordExplanation } from './explain-model.js';

const ARROW = { 'client-to-server': 'client -> server', 'server-to-client': 'server -> client' } as const;
/** Application data shown in full up to this many characters of text, then cut with a count. */
const TEXT_LIMIT = 2000;

function indent(lines: string[], by: string): string[] {
  return lines.map((l) => by + l);
}

function field(name: string, value: string | readonly string[]): string[] {
  if (typeof value === 'string') return [`${name} ${value}`];
  if (name === 'certificates') return [...value];
  return [`${name} ${value.join(', ')}`];
}

function roundLines(rounds: readonly ExpansionRound[]): string[] {
  const width = Math.max(...rounds.map((r) => r.label.length)) + 2;
  return rounds.map((r) => `${`'${r.label}'`.padEnd(width)}  SHA(...) = ${r.sha}  MD5(...) = ${r.md5}`);
}

function keyLines(k: KeyDerivation, suite: string | undefined, shown: Set<string>): string[] {
  const out = [`-- keys${suite ? ` for ${suite}` : ''} --`, `source: ${k.source}`];
  if (k.pre_master_secret) {
    if (k.pre_master_secret.encrypted) out.push(`ClientKeyExchange (RSA-encrypted, ${k.pre_master_secret.encrypted.length / 2} bytes) ${k.pre_master_secret.encrypted}`);
    out.push(`pre_master_secret ${k.pre_master_secret.hex}`, `   (client_version ${k.pre_master_secret.client_version}, then 46 random bytes)`);
  } else out.push('pre_master_secret (not known: the key log gives master_secret itself)');
  if (k.master_secret.rounds) out.push(...once(shown, k.master_secret.formula), ...indent(roundLines(k.master_secret.rounds), '   '));
  out.push(`master_secret ${k.master_secret.hex}`, ...once(shown, k.key_block.formula), ...indent(roundLines(k.key_block.rounds), '   '), `key_block, ${k.key_block.length} bytes, cut in the order of RFC 6101 6.2.2:`);
  const width = Math.max(...k.key_block.parts.map((p) => p.name.length));
  for (const p of k.key_block.parts) out.push(`   ${p.name.padEnd(width)}  [${p.offset}..${p.offset + p.length})  ${p.hex}`);
  return out;
}

/** The SSL 3.0 MAC of a suite, as a formula with its hash and pad sizes. */
export function macFormula(suite: string): string {
  const md5 = suiteByName(suite).mac === 'md5';
  const [hash, pad] = md5 ? ['MD5', 48] : ['SHA', 40];
  return `${hash}(MAC_write_secret + pad_2 + ${hash}(MAC_write_secret + pad_1 + seq_num + type + length + content)), pads of ${pad} bytes [RFC 6101 5.2.3.1]`;
}

function decryptionLines(d: RecordDecryption, content: number | undefined, shown: Set<string>): string[] {
  const out = [`seq_num ${d.seq_num}`];
  if (d.mac_input) {
    const h = d.mac_input;
    const type = parseInt(h.slice(16, 18), 16);
    const length = parseInt(h.slice(18, 22), 16);
    out.push(`MAC input: seq_num ${h.slice(0, 16)}, type ${h.slice(16, 18)} (${contentTypeName(type)}), length ${h.slice(18, 22)} (${length}), then the ${content ?? length}-byte content`);
    out.push(...once(shown, `MAC = ${macFormula(d.cipher_suite)}`));
    out.push(`   inner hash ${d.mac_inner}`, `   computed   ${d.mac_expected}`, `   received   ${d.mac_received}`);
  }
  if (d.padding) out.push(`padding ${d.padding.length ? `${d.padding.bytes} (${d.padding.length} bytes)` : '(none)'}, padding_length ${d.padding.length}`);
  out.push(d.verdict);
  return out;
}

/** A formula is printed the first time a connection needs it; later records show only their values. */
function once(shown: Set<string>, line: string): string[] {
  if (shown.has(line)) return [];
  shown.add(line);
  return [line];
}

function recordLines(r: RecordExplanation, c: ConnectionExplanation, shown: Set<string>): string[] {
  const flags = [r.encrypted ? 'encrypted' : ''].filter(Boolean);
  const head = `record ${r.number}  frame ${r.frame}  ${ARROW[r.direction]}  ${r.content_type} ${r.version}, ${r.length} byte${r.length === 1 ? '' : 's'}${flags.length ? `, ${flags.join(', ')}` : ''}`;
  const body: string[] = [];
  if (r.encrypted && !r.decryption) body.push('(not decrypted: no keys for it)');
  const contentLength = r.fragment === undefined ? undefined : r.fragment.length / 2;
  if (r.decryption) body.push(...decryptionLines(r.decryption, contentLength, shown));
  for (const m of r.messages ?? []) {
    body.push(`${m.name}, ${m.length} bytes`);
    for (const [name, value] of Object.entries(m.fields)) body.push(...indent(field(name, value), '   '));
  }
  if (r.alert) body.push(`alert: ${r.alert.level} ${r.alert.description}`);
  if (r.content_type === 'change_cipher_spec' && r.fragment !== undefined) body.push(`change_cipher_spec: from the next ${ARROW[r.direction]} record on, the new keys apply (RFC 6101 5.3)`);
  if (r.text !== undefined) body.push(`data: "${r.text.length > TEXT_LIMIT ? `${r.text.slice(0, TEXT_LIMIT)}" ... (${(r.fragment?.length ?? 0) / 2} bytes in all)` : `${r.text}"`}`);
  for (const n of r.notes) body.push(`note: ${n}`);
  for (const hs of c.handshakes) body.push(...checksAt(hs, r.number, shown));
  return [head, ...indent(body, '      ')];
}

/** The checks of a handshake that happened at record `n`: the CertificateVerify and Finished checks, and the derivation. */
function checksAt(hs: HandshakeExplanation, n: number, shown: Set<string>): string[] {
  const out: string[] = [];
  if (hs.certificate_verify?.record === n) out.push(`CertificateVerify check: ${hs.certificate_verify.text}`);
  for (const f of hs.finished.filter((x) => x.record === n)) {
    out.push(
      `Finished check (${f.sender}, Sender ${f.sender === 'client' ? "'CLNT'" : "'SRVR'"}):`,
      ...once(shown, `   ${f.formula}`),
      `   expected md5_hash ${f.expected.md5_hash} sha_hash ${f.expected.sha_hash}`,
      `   received md5_hash ${f.received.md5_hash} sha_hash ${f.received.sha_hash}`,
      `   ${f.ok ? 'Finished ok' : 'Finished differs: the handshake was altered, or the keys are wrong'}`,
    );
  }
  if (hs.keys?.record === n) out.push(...keyLines(hs.keys, hs.cipher_suite, shown));
  return out;
}

function handshakeSummary(hs: HandshakeExplanation): string {
  const parts = [`${hs.kind} handshake from record ${hs.first_record}`];
  if (hs.cipher_suite) parts.push(hs.cipher_suite);
  if (hs.session_id) parts.push(`session ${hs.session_id}`);
  const finished = hs.finished.length ? hs.finished.map((f) => `${f.sender} Finished ${f.ok ? 'ok' : 'DIFFERS'}`).join(', ') : 'Finished not checked';
  return `${parts.join(', ')}; ${finished}`;
}

function connectionLines(c: ConnectionExplanation): string[] {
  const out = [`== TCP stream ${c.tcp_stream}: client ${c.client}, server ${c.server}: ${c.protocol}`];
  for (const hs of c.handshakes) {
    out.push(`   ${handshakeSummary(hs)}`);
    for (const n of hs.notes) out.push(`   note: ${n}`);
  }
  for (const n of c.notes) out.push(`   note: ${n}`);
  const shown = new Set<string>();
  for (const r of c.records) out.push(...indent(recordLines(r, c, shown), '   '));
  return out;
}

export function formatExplanation(e: CaptureExplanation, name = 'capture'): string {
  const ssl = e.connections.length;
  const out = [
    `${name}: ${e.format}, ${e.frames} frames, ${ssl} SSL/TLS connection${ssl === 1 ? '' : 's'}${e.other_tcp_streams.length ? `, other TCP streams ${e.other_tcp_streams.join(', ')} (no SSL)` : ''}`,
    ...e.notes.map((n) => `note: ${n}`),
  ];
  for (const c of e.connections) out.push('', ...connectionLines(c));
  return `${out.join('\n')}\n`;
}
