/**
 * The viewer's page (the entry esbuild bundles, src/viewer/page-bundle.ts): reads the lesson
 * the HTML file carries (src/viewer/lesson.ts), shows each connection (connection-view.ts),
 * and below them the lab, where the engine runs in the page (lab.ts). Everything the page
 * needs is in the file: no network, no external scripts or fonts.
 *
 * The engine's pieces are also left on `window.ssl3` for a learner's own experiments in the
 * browser's console (e.g. `await ssl3.runDuet({ seed: 'x' })`).
 */
import { Connection } from '../../connection/connection.js';
import { CIPHER_SUITES } from '../../ciphers/suites.js';
import { handshakeTree, contentTree } from '../../trace/field-tree.js';
import { explainDuet, outcomeLines, runDuet } from '../duet.js';
import { LESSON_ELEMENT_ID, type Lesson } from '../lesson.js';
import { connectionView } from './connection-view.js';
import { fill, h } from './dom.js';
import { lab } from './lab.js';

function readLesson(): Lesson | undefined {
  const el = document.getElementById(LESSON_ELEMENT_ID);
  if (!el?.textContent) return undefined;
  return JSON.parse(el.textContent) as Lesson;
}

function lessonView(lesson: Lesson): HTMLElement {
  const e = lesson.explanation;
  const what = e.format === 'json-trace' ? `${e.frames} trace lines` : `${e.format}, ${e.frames} frames`;
  const count = e.connections.length;
  const shown = h('div', { id: 'connection' });
  const tabs = e.connections.map((c, i) =>
    h(
      'button',
      {
        class: 'tab',
        'data-connection': i,
        onclick: () => {
          tabs.forEach((t) => t.classList.remove('chosen'));
          tabs[i].classList.add('chosen');
          fill(shown, connectionView(c, { frameName: e.format === 'json-trace' ? 'line' : 'frame' }));
        },
      },
      `${i + 1}: ${c.client} → ${c.server}${c.handshakes[0]?.cipher_suite ? `, ${c.handshakes[0].cipher_suite}` : ''}`,
    ),
  );
  const section = h(
    'section',
    { id: 'lesson' },
    h('p', { class: 'meta' }, `${what}; ${count} SSL/TLS connection${count === 1 ? '' : 's'}${lesson.dropped ? ` (the latest; ${lesson.dropped} earlier not shown)` : ''}${e.other_tcp_streams.length ? `; other TCP streams: ${e.other_tcp_streams.join(', ')}` : ''}`),
    e.notes.map((n) => h('p', { class: 'note' }, n)),
    count > 1 ? h('nav', { class: 'tabs' }, tabs) : null,
    count ? shown : h('p', { class: 'note' }, lesson.source === 'live' ? 'No connection yet: this file is written again as connections come.' : 'No SSL connection found.'),
  );
  if (count) tabs[0].click();
  return section;
}

function main(): void {
  const lesson = readLesson();
  const app = document.getElementById('app') ?? document.body;
  fill(app, h('header', {}, h('h1', {}, `ssl3 lesson${lesson ? `: ${lesson.title}` : ''}`), h('p', { class: 'meta' }, 'SSL 3.0 (RFC 6101), byte by byte: choose a message to see its fields beside its bytes; the keys follow each connection.')), lesson ? lessonView(lesson) : null, lab());
}

Object.assign(globalThis, { ssl3: { Connection, CIPHER_SUITES, handshakeTree, contentTree, runDuet, explainDuet, outcomeLines } });
main();
