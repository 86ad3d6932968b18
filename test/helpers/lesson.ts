/** The lesson a viewer page carries (src/viewer/lesson-html.ts), read back from its HTML. */
import { LESSON_ELEMENT_ID, type Lesson } from '../../src/viewer/lesson.js';

export function lessonIn(html: string): Lesson {
  const m = new RegExp(`<script type="application/json" id="${LESSON_ELEMENT_ID}">(.*?)</script>`, 's').exec(html);
  if (!m) throw new Error('no lesson in this page');
  return JSON.parse(m[1]) as Lesson;
}

/** What a self-contained page must not have: anything that loads from elsewhere. */
export function externalReferences(html: string): string[] {
  return [...html.matchAll(/<(?:script|link|img|iframe|object|embed|source|audio|video)\b[^>]*\b(?:src|href|data)\s*=\s*["']?[^"'\s>]+/gi), ...html.matchAll(/@import|url\(\s*["']?(?!data:)[^)"']+/gi)].map((m) => m[0]);
}
