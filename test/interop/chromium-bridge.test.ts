/**
 * `ssl3 bridge` proven with the browser it exists for: headless Chromium (Debian `chromium`,
 * driven by puppeteer-core, which never downloads a browser of its own here; see
 * test/helpers/browsers.ts) opens SSL 3.0 servers through the bridge:
 * (a) our own HTTPS server;
 * (b) NSS selfserv, whose page echoes the request it got;
 * (c) a test server that behaves like an old device (test/helpers/old-device.ts): HTTP/1.0,
 *     bodies ended by closing the connection, no close_notify, a login form that sets a
 *     `Secure` cookie and redirects to an absolute https://device/... Location, frames and
 *     relative links. The browser logs in, follows the redirect, keeps the cookie and reads
 *     the page behind the login; its screenshot is kept in test-artifacts/ (a CI artifact).
 * Without chromium the tests skip with a message; with SSL3_REQUIRE_PEERS=1 they fail.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Frame, Page } from 'puppeteer-core';
import { createServer, type HttpsServer } from '../../src/http/https-server.js';
import { statusPage } from '../../src/http/status-page.js';
import { privateKeyToPem } from '../../src/pki/keys.js';
import { selfSignedCertificate } from '../../src/pki/selfsign.js';
import { certificateToPem } from '../../src/pki/x509.js';
import { ARTIFACTS, launchChromium } from '../helpers/browsers.js';
import { findPeer } from '../helpers/peers.js';
import { makeIdentity, P12_PASSWORD, type IdentityFiles } from '../helpers/identity.js';
import { nodeRsaKey } from '../helpers/keys.js';
import { startOldDevice, type DeviceRequest, type DeviceResponse, type OldDevice } from '../helpers/old-device.js';
import { Daemon, SUITES, findTools, freePort, makeNssDb, nssImportP12, removeTempDirs, startSelfserv, tempDir, type Selfserv } from './nss-helpers.js';

const chromiumPath = findPeer('chromium', 'chromium');
const nss = findTools({ selfserv: 'libnss3-tools', certutil: 'libnss3-tools', pk12util: 'libnss3-tools', openssl: 'openssl' });

const CLI = join(process.cwd(), 'src', 'cli', 'main.ts');

// --- the old device --------------------------------------------------------------------------

const SESSION = 'SESSION=9f2c41d7';
const page = (title: string, body: string) => `<html><head><title>${title}</title></head><body>${body}</body></html>\n`;

/** An embedded web server's site: a login form, then a frameset whose frames link relatively. */
function deviceSite(req: DeviceRequest): DeviceResponse {
  const loggedIn = (req.headers.cookie ?? '').split(/;\s*/).includes(SESSION);
  const toLogin: DeviceResponse = { status: 302, headers: [['Location', 'https://device/login.html']] };
  switch (req.path.split('?')[0]) {
    case '/login.html':
      return {
        headers: [['Content-Type', 'text/html']],
        body: page('Device login', '<h1>Device login</h1><form method="POST" action="cgi-bin/login"><input name="user" id="user"> <input name="password" id="password" type="password"> <input type="submit" id="go" value="Log in"></form>'),
      };
    case '/cgi-bin/login':
      if (req.method !== 'POST' || new URLSearchParams(req.body).get('password') !== 'cisco') return toLogin;
      // Secure: the device only ever speaks HTTPS; the bridge drops it for the browser on plain HTTP.
      return { status: 302, headers: [['Set-Cookie', `${SESSION}; Path=/; Secure`], ['Location', 'https://device/index.html']] };
    case '/':
    case '/index.html':
      if (!loggedIn) return toLogin;
      return {
        headers: [['Content-Type', 'text/html']],
        body: '<html><head><title>Device</title></head><frameset cols="30%,*"><frame name="menu" src="menu.html"><frame name="main" src="status/main.html"></frameset></html>\n',
      };
    case '/menu.html':
      return loggedIn ? { headers: [['Content-Type', 'text/html']], body: page('Menu', '<ul><li><a href="status/main.html" target="main">Status</a></li><li><a href="status/ports.html" target="main">Ports</a></li></ul>') } : toLogin;
    case '/status/main.html':
      return loggedIn ? { headers: [['Content-Type', 'text/html']], body: page('Status', '<h1>System status</h1><p>Serial number: <b id="serial">FTX1234A5BC</b></p><p><a href="ports.html">Ports</a> <a href="../menu.html" target="menu">Menu</a></p>') } : toLogin;
    case '/status/ports.html':
      return loggedIn ? { headers: [['Content-Type', 'text/html']], body: page('Ports', '<h1>Ports</h1><p id="ports">Gi0/1 up, Gi0/2 down</p>') } : toLogin;
    default:
      return { status: 404, body: page('Not found', 'no such page') };
  }
}

// --- the bridge and the browser --------------------------------------------------------------

/** `ssl3 bridge --to TARGET --ca CA` on a free port; resolves once it listens. */
async function startBridge(target: string, caFile: string): Promise<{ daemon: Daemon; url: string }> {
  const port = await freePort();
  const daemon = new Daemon(process.execPath, ['--import', 'tsx', CLI, 'bridge', '--to', target, '--listen', `127.0.0.1:${port}`, '--ca', caFile]);
  await daemon.waitFor(/ssl3: bridging http:\/\/127\.0\.0\.1:\d+\//, 30_000);
  return { daemon, url: `http://127.0.0.1:${port}` };
}

/** An element's text; '' when it has none. */
const textOf = (where: Page | Frame, selector: string) => where.$eval(selector, (e) => e.textContent ?? '');

/** The frame a frameset names `name`. */
async function frameNamed(tab: Page, name: string): Promise<Frame> {
  for (const f of tab.frames()) if ((await (await f.frameElement())?.evaluate((e) => e.getAttribute('name'))) === name) return f;
  throw new Error(`no frame named ${name} in ${tab.url()}`);
}

describe.skipIf(!chromiumPath)('headless Chromium through ssl3 bridge', () => {
  let browser: Browser;
  let ours: HttpsServer;
  let device: OldDevice;
  let selfserv: Selfserv | undefined;
  let nssId: IdentityFiles | undefined;
  const bridges: Daemon[] = [];
  let toOurs: string;
  let toDevice: string;
  let toSelfserv: string | undefined;

  beforeAll(async () => {
    const dir = tempDir('chromium');
    const identity = (hostname: string) => {
      const key = nodeRsaKey(1024);
      const keyPem = privateKeyToPem(key);
      const certPem = certificateToPem(selfSignedCertificate({ key, hostname, ips: ['127.0.0.1'], days: 10 }));
      const caFile = join(dir, `${hostname}.pem`);
      writeFileSync(caFile, certPem);
      return { keyPem, certPem, caFile };
    };
    const oursId = identity('localhost');
    ours = createServer({ key: oursId.keyPem, cert: oursId.certPem }, statusPage);
    await ours.listen(0, '127.0.0.1');
    const deviceId = identity('device');
    device = await startOldDevice(deviceId, deviceSite);
    const starts = [
      startBridge(`https://127.0.0.1:${(ours.address() as AddressInfo).port}/`, oursId.caFile).then((b) => ((toOurs = b.url), b.daemon)),
      startBridge(`https://127.0.0.1:${device.port}/`, deviceId.caFile).then((b) => ((toDevice = b.url), b.daemon)),
    ];
    if (nss) {
      nssId = makeIdentity('localhost', 1024, nss.openssl);
      const db = makeNssDb(nss.certutil, 'chromium-selfserv');
      nssImportP12(nss.pk12util, db, nssId.p12File!, P12_PASSWORD);
      selfserv = await startSelfserv(nss.selfserv, ['-d', db, '-n', 'localhost', '-V', 'ssl3:ssl3', '-c', SUITES.map((s) => s.nss).join(''), '-v']);
      starts.push(startBridge(`https://127.0.0.1:${selfserv.port}/`, nssId.certFile).then((b) => ((toSelfserv = b.url), b.daemon)));
    }
    bridges.push(...(await Promise.all(starts)));
    browser = await launchChromium(chromiumPath!, { profile: tempDir('chromium-profile') });
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await Promise.all(bridges.map((b) => b.stop()));
    await selfserv?.daemon.stop();
    await device?.close();
    await ours?.close(200);
    removeTempDirs([nssId?.dir]);
  });

  async function open(url: string): Promise<Page> {
    const tab = await browser.newPage();
    tab.setDefaultTimeout(15_000);
    const response = await tab.goto(url);
    expect(response?.status(), `${url}: ${bridges.map((b) => b.output).join('\n')}`).toBe(200);
    return tab;
  }

  it('(a) opens our SSL 3.0 server’s page', async () => {
    const tab = await open(`${toOurs}/`);
    expect(await textOf(tab, 'h1')).toBe('SSL 3.0 connection');
    expect(await textOf(tab, 'body')).toMatch(/Protocol\s*SSLv3/);
    await tab.screenshot({ path: join(ARTIFACTS, 'chromium-bridge-ours.png') });
    await tab.close();
  });

  it.skipIf(!nss)('(b) opens NSS selfserv’s page, which echoes the request the browser sent through the bridge', async () => {
    const tab = await open(`${toSelfserv}/from-chromium?x=1`);
    const text = await textOf(tab, 'body');
    expect(text).toContain('GET /from-chromium?x=1 HTTP/1.1');
    expect(text).toMatch(/user-agent: [^\n]*Chrome\//i);
    await tab.screenshot({ path: join(ARTIFACTS, 'chromium-bridge-selfserv.png') });
    await tab.close();
  });

  it('(c) logs in to an old device, follows its absolute redirect, keeps the cookie and reads the page behind the login', async () => {
    const tab = await open(`${toDevice}/`); // not logged in: the device redirects to https://device/login.html
    expect(new URL(tab.url()).pathname).toBe('/login.html');
    expect(await textOf(tab, 'h1')).toBe('Device login');
    await tab.locator('#user').fill('admin');
    await tab.locator('#password').fill('cisco');
    await Promise.all([tab.waitForNavigation(), tab.click('#go')]);
    expect(tab.url()).toBe(`${toDevice}/index.html`);
    // The frames load through the bridge with the cookie; the main frame's relative links work.
    const main = await frameNamed(tab, 'main');
    expect(await textOf(main, '#serial')).toBe('FTX1234A5BC');
    expect(main.url()).toBe(`${toDevice}/status/main.html`);
    const menu = await frameNamed(tab, 'menu');
    await Promise.all([main.waitForNavigation(), menu.locator('a::-p-text(Ports)').click()]);
    expect(main.url()).toBe(`${toDevice}/status/ports.html`);
    expect(await textOf(main, '#ports')).toBe('Gi0/1 up, Gi0/2 down');
    const cookies = (await browser.cookies()).filter((c) => c.domain === new URL(toDevice).hostname);
    expect(cookies.map((c) => [c.name, c.value, c.secure])).toEqual([['SESSION', '9f2c41d7', false]]);
    await tab.screenshot({ path: join(ARTIFACTS, 'chromium-bridge-device.png') });
    // Every page came from the device whole: HTTP/1.0, close-delimited, never close_notify.
    expect(device.requests.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining(['GET /', 'GET /login.html', 'POST /cgi-bin/login', 'GET /index.html', 'GET /menu.html', 'GET /status/main.html', 'GET /status/ports.html']),
    );
    expect(bridges[1].output).not.toMatch(/ssl3 bridge: /); // no request failed
    await tab.close();
  });
});
