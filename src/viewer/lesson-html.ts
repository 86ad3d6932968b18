/**
 * A lesson as one self-contained HTML file: the style sheet, the lesson as JSON and the page
 * script all inline. Its Content-Security-Policy allows nothing to be fetched (no network,
 * no external scripts or fonts), so the file works offline and leaks nothing it shows.
 */
import type { ExplainKeys } from '../trace/explain-keys.js';
import { explainCapture } from '../trace/explain.js';
import { explainTrace } from '../trace/explain-trace.js';
import { LESSON_ELEMENT_ID, type Lesson } from './lesson.js';
import { PAGE_STYLE } from './page-style.js';

const CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:";

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A --trace-json file starts with a JSON object; anything else is read as a capture. */
function isJsonLines(bytes: Uint8Array): boolean {
  for (const b of bytes.subarray(0, 64)) {
    if (b === 0x7b) return true; // '{'
    if (b !== 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0xef && b !== 0xbb && b !== 0xbf) return false;
  }
  return false;
}

/** The lesson of a capture (pcap, pcapng) or a --trace-json file, by its contents. */
export function lessonOf(title: string, bytes: Uint8Array, keys: ExplainKeys): Lesson {
  if (isJsonLines(bytes)) return { title, source: 'trace', explanation: explainTrace(new TextDecoder().decode(bytes), keys) };
  return { title, source: 'capture', explanation: explainCapture(bytes, keys) };
}

export function lessonHtml(lesson: Lesson, script: string): string {
  // Inside a <script> element, "</script" or "<!--" would end or confuse it: JSON may spell '<' as \u003c.
  const data = JSON.stringify(lesson).replace(/</g, '\\u003c');
  if (/<\/script|<!--/i.test(script)) throw new Error('the page script cannot be inlined: it contains "</script" or "<!--"');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="generator" content="ssl3 view">
<title>ssl3 lesson: ${escapeHtml(lesson.title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<div id="app"><noscript>This lesson is drawn by its script: allow JavaScript for this file.</noscript></div>
<script type="application/json" id="${LESSON_ELEMENT_ID}">${data}</script>
<script>${script}</script>
</body>
</html>
`;
}
