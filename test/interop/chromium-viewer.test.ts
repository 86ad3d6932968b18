/**
 * The viewer's page in headless Chromium (Debian `chromium`, driven by puppeteer-core over
 * the DevTools protocol): the checks of test/helpers/viewer-browser.ts, which Firefox ESR
 * passes too (firefox-viewer.test.ts). Screenshots: test-artifacts/chromium-viewer-*.png.
 */
import { launchChromium } from '../helpers/browsers.js';
import { findPeer } from '../helpers/peers.js';
import { describeViewerIn } from '../helpers/viewer-browser.js';

describeViewerIn({ name: 'Chromium', shots: 'chromium', executable: findPeer('chromium', 'chromium'), launch: launchChromium });
