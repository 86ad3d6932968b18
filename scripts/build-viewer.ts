/**
 * `npm run build`, second step: bundles the viewer's page script (src/viewer/page-bundle.ts)
 * into dist/viewer/, where `ssl3 view` and `--viewer` of an installed package find it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundlePage, PAGE_SCRIPT_FILE } from '../src/viewer/page-bundle.js';

const dir = join(import.meta.dirname, '..', 'dist', 'viewer');
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, PAGE_SCRIPT_FILE), await bundlePage());
