/**
 * The page script a lesson file inlines: the one `npm run build` made (dist/viewer/, what an
 * installed package has), or, run from the source (tsx), bundled now (page-bundle.ts). Kept
 * once per process: `ssl3 serve --viewer` writes the file again and again.
 */
import { existsSync, readFileSync } from 'node:fs';
import { bundlePage, PAGE_SCRIPT_FILE } from './page-bundle.js';

let script: Promise<string> | undefined;

export function pageScript(): Promise<string> {
  script ??= (async () => {
    const built = new URL(`./${PAGE_SCRIPT_FILE}`, import.meta.url);
    return existsSync(built) ? readFileSync(built, 'utf8') : bundlePage();
  })();
  return script;
}
