/**
 * Real browsers for the tests: Debian's `chromium` and `firefox-esr`, both driven by npm's
 * puppeteer-core (Chromium over the DevTools protocol, Firefox over WebDriver BiDi, the one
 * protocol a stock Firefox speaks). puppeteer-core never downloads a browser of its own, and
 * none could be downloaded here: the browsers are the installed programs, found with
 * findPeer() by each test file.
 */
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

/** Where the screenshots go: git-ignored, kept by CI as artifacts (.ci/run names them). */
export const ARTIFACTS = join(process.cwd(), 'test-artifacts');

export interface BrowserOptions {
  /** A fresh profile directory: nothing from an earlier run or from the user's own browser. */
  profile: string;
  viewport?: { width: number; height: number };
}

/**
 * Headless Chromium: no sandbox (CI runs as root), no QUIC, no component updates, and
 * puppeteer's own defaults, which turn off background networking, sync and the first-run
 * dialogs.
 */
export function launchChromium(executablePath: string, o: BrowserOptions): Promise<Browser> {
  return puppeteer.launch({
    executablePath,
    headless: true,
    userDataDir: o.profile,
    defaultViewport: o.viewport ?? null,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-component-update'],
  });
}

/**
 * Headless Firefox ESR over WebDriver BiDi, in a fresh profile with puppeteer's preferences
 * (no updates, health reports, safe-browsing lists or remote settings), and without the
 * captive-portal and connectivity probes Firefox otherwise sends at start.
 */
export function launchFirefox(executablePath: string, o: BrowserOptions): Promise<Browser> {
  return puppeteer.launch({
    browser: 'firefox',
    executablePath,
    headless: true,
    userDataDir: o.profile,
    defaultViewport: o.viewport ?? null,
    extraPrefsFirefox: { 'network.captive-portal-service.enabled': false, 'network.connectivity-service.enabled': false },
  });
}

/** What a page reported going wrong: uncaught exceptions and console errors, as one line each. */
export function pageErrors(page: Page, into: string[]): void {
  page.on('pageerror', (e) => into.push(`page error: ${e instanceof Error ? e.message : String(e)}`));
  page.on('console', (m) => {
    if (m.type() === 'error') into.push(`console: ${m.text()}`);
  });
}
