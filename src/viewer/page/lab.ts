/**
 * The lab: the engine itself runs in the page (src/viewer/duet.ts: a client and a server
 * Connection back to back, seeded so each run repeats byte for byte), and the run is shown
 * like a captured connection. Choose a field of a record that crosses in the clear, or bytes
 * of an encrypted one, give them new bytes, run again: the same handshake replays up to that
 * record, and the page shows what the receiving end made of the change (which check failed,
 * which alert went back).
 */
import { DEFAULT_SUITES } from '../../ciphers/suites.js';
import { fromHex, toHex } from '../../util/bytes.js';
import { explainDuet, outcomeLines, runDuet, type DuetRun, type DuetTamper } from '../duet.js';
import { connectionView } from './connection-view.js';
import type { Selection } from './detail.js';
import { fill, h } from './dom.js';

export function lab(): HTMLElement {
  const seed = h('input', { id: 'lab-seed', value: 'lesson', size: 12 });
  const suite = h('select', { id: 'lab-suite' }, h('option', { value: '' }, 'any: the server chooses'), DEFAULT_SUITES.map((s) => h('option', { value: s.rfcName }, s.rfcName)));
  const outcome = h('div', { id: 'lab-outcome', class: 'outcome' });
  const change = h('div', { id: 'lab-change', class: 'change', hidden: true });
  const view = h('div', { id: 'lab-view' });
  let tamper: DuetTamper | undefined;
  let last: DuetRun | undefined;

  const run = async (): Promise<void> => {
    outcome.textContent = 'running…';
    const chosen = DEFAULT_SUITES.find((s) => s.rfcName === suite.value);
    const r = await runDuet({ seed: seed.value || 'lesson', suites: chosen ? [chosen] : undefined, tamper });
    last = r;
    const lines = outcomeLines(r);
    fill(
      outcome,
      r.tamper ? h('p', { class: 'tamper-note', 'data-applied': r.tamper.applied }, `Changed: ${r.tamper.note}`) : h('p', { class: 'tamper-note' }, 'No change: the run as the engine makes it.'),
      lines.map((l) => h('p', { class: `end ${/fatal|failed|still open/.test(l) ? 'bad' : 'ok'}`, 'data-end': l.slice(0, l.indexOf(':')) }, l)),
    );
    fill(
      view,
      connectionView(explainDuet(r), {
        frameName: 'crossing',
        onSelect: offer,
        recordClass: (rec) => (r.records[rec.frame - 1]?.original ? 'tampered' : undefined),
      }),
    );
  };

  /** A field was selected in the run shown: offer to change its bytes on the way. */
  function offer(s: Selection | undefined): void {
    if (!s || !last) {
      change.hidden = true;
      return;
    }
    const crossed = last.records[s.item.record.frame - 1];
    change.hidden = false;
    if (s.recordOffset === undefined || !crossed) {
      fill(change, h('p', { class: 'note' }, `${s.field.name} travels encrypted: choose bytes of the ciphertext ("on the wire") to change it on the way.`));
      return;
    }
    const input = h('input', { id: 'lab-bytes', value: toHex(s.bytes), size: Math.min(64, 2 * s.bytes.length + 2) });
    const error = h('span', { class: 'bad' });
    const apply = () => {
      const hex = input.value.replace(/\s+/g, '').toLowerCase();
      if (!/^(?:[0-9a-f]{2})*$/.test(hex) || hex.length !== 2 * s.bytes.length) {
        error.textContent = ` give ${s.bytes.length} byte${s.bytes.length === 1 ? '' : 's'} in hex`;
        return;
      }
      tamper = { sender: crossed.sender, record: crossed.index, offset: s.recordOffset!, bytes: fromHex(hex) };
      void run();
    };
    fill(
      change,
      h('p', {}, `Change ${s.field.name} (bytes ${s.recordOffset}..${s.recordOffset + s.bytes.length - 1} of the ${crossed.sender}'s record ${crossed.index + 1}) on its way to the ${crossed.sender === 'client' ? 'server' : 'client'}:`),
      input,
      ' ',
      h('button', { id: 'lab-apply', onclick: apply }, 'Run with this change'),
      error,
    );
  }

  return h(
    'section',
    { id: 'lab' },
    h('h2', {}, 'Lab: a handshake in this page'),
    h(
      'p',
      {},
      'The engine itself (the protocol layers of ssl3, bundled into this page) runs a client and a server here, with keys and randoms from the seed, so every run repeats byte for byte. Choose a message in the run, choose one of its fields (or bytes of an encrypted record), give it new bytes and run again: the ends see the change and you see what breaks.',
    ),
    h(
      'div',
      { class: 'controls' },
      h('label', {}, 'seed ', seed),
      ' ',
      h('label', {}, 'suite ', suite),
      ' ',
      h(
        'button',
        {
          id: 'lab-run',
          onclick: () => {
            tamper = undefined;
            change.hidden = true;
            void run();
          },
        },
        'Run the handshake',
      ),
    ),
    change,
    outcome,
    view,
  );
}
