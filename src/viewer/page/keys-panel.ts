/**
 * The derivation panel: for each handshake, what `ssl3 explain` derived, step by step under
 * RFC 6101's names: the pre_master_secret (5.6.7.1) and where it came from, the rounds of
 * master_secret (6.1) and of the key_block (6.2.2), how the key block is cut, the Finished
 * hashes (5.6.9) recomputed against the ones sent, and the CertificateVerify (5.6.8). Every
 * value is shown as explain --json has it, in elements named for it (data-key, data-part,
 * data-round), so what the page shows can be checked against the engine's values.
 */
import type { ConnectionExplanation, ExpansionRound, HandshakeExplanation, KeyDerivation } from '../../trace/explain-model.js';
import { h, type Child } from './dom.js';

function rounds(name: string, list: readonly ExpansionRound[]): HTMLElement {
  return h(
    'table',
    { class: 'rounds' },
    h('tr', {}, h('th', {}, 'round'), h('th', {}, "SHA(label + secret + randoms)"), h('th', {}, 'MD5(secret + SHA(...))')),
    list.map((r) => h('tr', { 'data-round': `${name}.${r.label}` }, h('td', {}, `'${r.label}'`), h('td', { class: 'hex' }, r.sha), h('td', { class: 'hex' }, r.md5))),
  );
}

function value(key: string, label: string, hex: string): HTMLElement {
  return h('div', { class: 'value-row' }, h('span', { class: 'label' }, label), h('code', { class: 'hex', 'data-key': key }, hex));
}

function derivation(k: KeyDerivation): Child[] {
  const out: Child[] = [h('p', { class: 'source' }, 'Secret: ', k.source)];
  const pms = k.pre_master_secret;
  if (pms) {
    if (pms.encrypted) out.push(value('encrypted_pre_master_secret', 'ClientKeyExchange (encrypted to the server key)', pms.encrypted));
    out.push(value('pre_master_secret', 'pre_master_secret', pms.hex), h('p', { class: 'note' }, `its first two bytes are the client_version offered, ${pms.client_version}; then 46 random bytes`));
  } else out.push(h('p', { class: 'note' }, 'pre_master_secret: not known (the key gives master_secret itself)'));
  out.push(h('h4', {}, 'master_secret (RFC 6101 6.1)'), h('p', { class: 'formula' }, k.master_secret.formula));
  if (k.master_secret.rounds) out.push(rounds('master_secret', k.master_secret.rounds));
  out.push(value('master_secret', 'master_secret', k.master_secret.hex));
  out.push(h('h4', {}, `key_block, ${k.key_block.length} bytes (RFC 6101 6.2.2)`), h('p', { class: 'formula' }, k.key_block.formula), rounds('key_block', k.key_block.rounds));
  out.push(
    h(
      'table',
      { class: 'parts' },
      h('tr', {}, h('th', {}, 'part'), h('th', {}, 'bytes'), h('th', {}, 'value')),
      k.key_block.parts.map((p) => h('tr', {}, h('td', {}, p.name), h('td', {}, `${p.offset}..${p.offset + p.length}`), h('td', { class: 'hex', 'data-part': p.name }, p.hex))),
    ),
  );
  return out;
}

function handshake(hs: HandshakeExplanation, n: number): HTMLElement {
  const title = `Handshake ${n + 1}: ${hs.kind}${hs.cipher_suite ? `, ${hs.cipher_suite}` : ''}`;
  return h(
    'section',
    { class: 'handshake', 'data-handshake': n },
    h('h3', {}, title),
    hs.client_random ? value('client_random', 'ClientHello.random', hs.client_random) : null,
    hs.server_random ? value('server_random', 'ServerHello.random', hs.server_random) : null,
    hs.keys ? derivation(hs.keys) : h('p', { class: 'note' }, 'No keys: the derivation cannot be shown (see the notes).'),
    hs.finished.length ? h('h4', {}, 'Finished (RFC 6101 5.6.9)') : null,
    hs.finished.length ? h('p', { class: 'formula' }, hs.finished[0].formula) : null,
    hs.finished.map((f) =>
      h(
        'div',
        { class: `finished ${f.ok ? 'ok' : 'bad'}`, 'data-finished': f.sender },
        h('strong', {}, `${f.sender} Finished, record ${f.record}: ${f.ok ? 'ok' : 'DIFFERS'}`),
        value(`${f.sender}.expected.md5_hash`, 'expected md5_hash', f.expected.md5_hash),
        value(`${f.sender}.expected.sha_hash`, 'expected sha_hash', f.expected.sha_hash),
        value(`${f.sender}.received.md5_hash`, 'received md5_hash', f.received.md5_hash),
        value(`${f.sender}.received.sha_hash`, 'received sha_hash', f.received.sha_hash),
      ),
    ),
    hs.certificate_verify ? h('div', { class: `finished ${hs.certificate_verify.ok ? 'ok' : 'bad'}` }, h('strong', {}, `CertificateVerify, record ${hs.certificate_verify.record}`), h('p', {}, hs.certificate_verify.text)) : null,
    hs.notes.map((t) => h('p', { class: 'note' }, t)),
  );
}

export function keysPanel(c: ConnectionExplanation): HTMLElement {
  return h('div', { class: 'keys' }, c.handshakes.length ? c.handshakes.map(handshake) : h('p', { class: 'note' }, 'No handshake in this connection.'));
}
