/**
 * The viewer's page script: src/viewer/page/main.ts and everything it imports (the engine's
 * layers below src/socket, which import nothing from Node) bundled by esbuild into one
 * script for the browser. `npm run build` writes it to dist/viewer/ (scripts/build-viewer.ts),
 * so an installed package never needs esbuild; a source checkout builds it when first asked.
 */
import { fileURLToPath } from 'node:url';
import { Ssl3Error } from '../util/errors.js';

/** The file name of the built script, next to this module in dist/viewer/. */
export const PAGE_SCRIPT_FILE = 'viewer-page.js';

/** Bundles the page script (esbuild, a devDependency). */
export async function bundlePage(): Promise<string> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new Ssl3Error('VIEWER_NOT_BUILT', `the viewer's page script (${PAGE_SCRIPT_FILE}) is not built and esbuild is not installed to build it: run npm run build`);
  }
  const result = await esbuild.build({
    entryPoints: [fileURLToPath(new URL('./page/main.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}
