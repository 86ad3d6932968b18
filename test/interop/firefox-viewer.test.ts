/**
 * The viewer's page in headless Firefox ESR (Debian `firefox-esr`, driven by puppeteer-core
 * over WebDriver BiDi): the checks of test/helpers/viewer-browser.ts, which Chromium passes
 * too, so the page `ssl3 view` writes is proven offline in both engines (Gecko and Blink).
 * Screenshots: test-artifacts/firefox-viewer-*.png.
 */
import { launchFirefox } from '../helpers/browsers.js';
import { findPeer } from '../helpers/peers.js';
import { describeViewerIn } from '../helpers/viewer-browser.js';

describeViewerIn({ name: 'Firefox ESR', shots: 'firefox', executable: findPeer('firefox-esr', 'firefox-esr'), launch: launchFirefox });
