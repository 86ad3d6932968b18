/**
 * A lesson: what the viewer's page shows, as data. The explanation is `ssl3 explain`'s
 * (src/trace/explain-model.ts), from a capture, a --trace-json file, or the live connections
 * of `ssl3 serve --viewer` and `ssl3 get --viewer`; the page renders it and decodes each
 * message's fields itself with the engine's decoders (src/trace/field-tree.ts). The HTML file
 * carries it as JSON in a script element of this id.
 */
import type { CaptureExplanation } from '../trace/explain-model.js';

export const LESSON_ELEMENT_ID = 'ssl3-lesson';

export interface Lesson {
  /** What is explained: a file's name, or the command that ran the connections. */
  title: string;
  source: 'capture' | 'trace' | 'live';
  explanation: CaptureExplanation;
  /** Live lessons keep the latest connections only: how many earlier ones are not shown. */
  dropped?: number;
}
