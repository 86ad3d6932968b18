/**
 * Writing a lesson page to its file: the HTML (lesson-html.ts) with the page script inlined
 * (page-script.ts), atomically and with mode 0600, since a lesson shows keys and decrypted
 * traffic.
 */
import { writeFileAtomic } from '../util/atomic-file.js';
import { lessonHtml } from './lesson-html.js';
import type { Lesson } from './lesson.js';
import { pageScript } from './page-script.js';

export async function lessonPage(lesson: Lesson): Promise<string> {
  return lessonHtml(lesson, await pageScript());
}

export async function writeLessonFile(path: string, lesson: Lesson): Promise<void> {
  await writeFileAtomic(path, await lessonPage(lesson), 0o600);
}
