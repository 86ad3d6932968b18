/** Lesson pages in tests: what one carries, what it must not load, and the files one is made from. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LESSON_ELEMENT_ID, type Lesson } from '../../src/viewer/lesson.js';
import { parseSuiteList } from '../../src/ciphers/suites.js';
import { privateKeyToPem } from '../../src/pki/keys.js';
import { jsonTracer } from '../../src/trace/json-trace.js';
import { identity } from '../connection/pair.js';
import { converse, ENDPOINTS, recorder } from '../trace/capture-helpers.js';

/** The lesson a viewer page carries (src/viewer/lesson-html.ts), read back from its HTML. */
export function lessonIn(html: string): Lesson {
  const m = new RegExp(`<script type="application/json" id="${LESSON_ELEMENT_ID}">(.*?)</script>`, 's').exec(html);
  if (!m) throw new Error('no lesson in this page');
  return JSON.parse(m[1]) as Lesson;
}

/** What a self-contained page must not have: anything that loads from elsewhere. */
export function externalReferences(html: string): string[] {
  return [...html.matchAll(/<(?:script|link|img|iframe|object|embed|source|audio|video)\b[^>]*\b(?:src|href|data)\s*=\s*["']?[^"'\s>]+/gi), ...html.matchAll(/@import|url\(\s*["']?(?!data:)[^)"']+/gi)].map((m) => m[0]);
}

/**
 * The files a lesson is made from, written to `dir`: a capture of one 3DES conversation of our
 * client and server (cap.pcap), the client's --trace-json lines of it with its keys
 * (trace.jsonl), and the server's key (server.pem).
 */
export function lessonInputs(dir: string): { cap: string; trace: string; key: string } {
  const rec = recorder();
  let lines = '';
  converse(rec, ENDPOINTS, { client: { suites: parseSuiteList('3des-ede-cbc-sha'), traceSecrets: true }, clientTrace: jsonTracer((l) => (lines += l), { role: 'client' }) });
  const files = { cap: join(dir, 'cap.pcap'), trace: join(dir, 'trace.jsonl'), key: join(dir, 'server.pem') };
  writeFileSync(files.cap, rec.bytes());
  writeFileSync(files.trace, lines);
  writeFileSync(files.key, privateKeyToPem(identity().key));
  return files;
}
