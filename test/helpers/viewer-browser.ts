/**
 * The viewer's page in a real browser, the same checks whichever browser opens it
 * (test/interop/chromium-viewer.test.ts, firefox-viewer.test.ts): one launch per file opens
 * the page `ssl3 view` wrote, with every request other than the lesson file itself refused and
 * counted, and:
 * - that guard is seen to work (a page without a policy has its fetch counted), and the
 *   lesson's own Content-Security-Policy stops a fetch before it is a request; since Firefox's
 *   WebDriver BiDi reports network requests but not file:// loads, the live page is also
 *   checked to hold nothing that loads from elsewhere and to have fetched nothing;
 * - the ladder shows the connection's messages in order, flight by flight;
 * - clicking a field highlights exactly its bytes (offsets computed here from the RFC 6101
 *   layout), and clicking a byte selects the innermost field that holds it;
 * - the derivation panel shows the values `ssl3 explain --json` gives, and an encrypted
 *   record shows how it was opened;
 * - the lab's handshake (the engine bundled into the page) completes with the outcome the
 *   same code gives in Node, and a field changed in the page breaks it as in Node;
 * - a --trace-json lesson draws too; screenshots are kept in test-artifacts/.
 * Without the browser the tests skip with a message (findPeer); with SSL3_REQUIRE_PEERS=1
 * they fail.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'puppeteer-core';
import type { CaptureExplanation, KeyDerivation } from '../../src/trace/explain-model.js';
import { handshakeTree } from '../../src/trace/field-tree.js';
import { outcomeLines, runDuet, type DuetTamper } from '../../src/viewer/duet.js';
import { fromHex, toHex } from '../../src/util/bytes.js';
import { ARTIFACTS, pageErrors, type BrowserOptions } from './browsers.js';
import { runCli } from './cli.js';
import { field } from './fields.js';
import { externalReferences, lessonInputs } from './lesson.js';
import { removeTempDirs, tempDir } from './temp-dirs.js';
import { freePort } from '../interop/nss-helpers.js';

/** The little of a page's DOM these checks touch in the page (the tests are typed for Node, not the DOM). */
interface InPage {
  document: {
    documentElement: { outerHTML: string };
    addEventListener(type: 'securitypolicyviolation', listener: (e: { effectiveDirective: string }) => void, options: { once: true }): void;
  };
}

export interface ViewerBrowser {
  /** As the suite's title says it: 'Chromium', 'Firefox ESR'. */
  name: string;
  /** The first word of its screenshots' names in test-artifacts/: `${shots}-viewer-lab.png`. */
  shots: string;
  /** The browser's program, or undefined when findPeer() did not find it (the suite skips). */
  executable: string | undefined;
  launch(executable: string, o: BrowserOptions): Promise<Browser>;
}

async function cli(command: string, ...args: string[]): Promise<string> {
  const r = await runCli(command, ...args);
  if (r.code !== 0) throw new Error(`ssl3 ${command} ${args.join(' ')}: ${r.err}`);
  return r.out;
}

/** The ladder's button for a message, by its exact label ("server_hello", not "server_hello_done"). */
const msg = (scope: string, label: string) => `::-p-xpath(//*[@id="${scope}"]//button[contains(concat(" ", @class, " "), " msg ")][. = "${label}"])`;

/** gmt_unix_time as the page writes it: seconds, and the date (RFC 6101 5.6.1.2). */
function gmtUnixTime(randomHex: string): string {
  const t = parseInt(randomHex.slice(0, 8), 16);
  return `${t} (${new Date(t * 1000).toISOString().replace('.000', '')})`;
}

export function describeViewerIn(b: ViewerBrowser): void {
  describe.skipIf(!b.executable)(`the viewer in headless ${b.name}`, () => {
    let browser: Browser;
    let page: Page;
    let explained: CaptureExplanation;
    let lessonUrl: string;
    let traceLessonUrl: string;
    let traceLessonFile: string;
    const outside: string[] = [];
    const errors: string[] = [];

    /**
     * A tab on a lesson file that may load nothing else: any other request is refused and
     * counted. (Chromium reports file:// loads to the interception too; Firefox's WebDriver
     * BiDi reports only network requests, so the page's own DOM is checked as well, below.)
     */
    async function open(url: string, refused = outside, problems = errors): Promise<Page> {
      const tab = await browser.newPage();
      tab.setDefaultTimeout(15_000);
      pageErrors(tab, problems);
      await tab.setRequestInterception(true);
      tab.on('request', (request) => {
        if (request.url() === url) return void request.continue();
        refused.push(request.url());
        void request.abort();
      });
      await tab.goto(url);
      return tab;
    }

    /** What the page holds that would load from elsewhere, and what the browser says it fetched. */
    async function loadedElsewhere(tab: Page): Promise<string[]> {
      const [html, fetched] = await tab.evaluate(() => [(globalThis as unknown as InPage).document.documentElement.outerHTML, performance.getEntriesByType('resource').map((e) => e.name)] as const);
      return [...externalReferences(html), ...fetched];
    }

    beforeAll(async () => {
      const dir = tempDir(`${b.shots}-viewer`);
      const { cap, trace, key } = lessonInputs(dir);
      const lessonFile = join(dir, 'lesson.html');
      traceLessonFile = join(dir, 'trace.html');
      await cli('view', cap, '--key', key, '-o', lessonFile);
      await cli('view', trace, '-o', traceLessonFile);
      lessonUrl = pathToFileURL(lessonFile).href;
      traceLessonUrl = pathToFileURL(traceLessonFile).href;
      explained = JSON.parse(await cli('explain', cap, '--key', key, '--json')) as CaptureExplanation;
      browser = await b.launch(b.executable!, { profile: tempDir(`${b.shots}-viewer-profile`), viewport: { width: 1400, height: 1000 } });
      page = await open(lessonUrl);
      mkdirSync(ARTIFACTS, { recursive: true });
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      removeTempDirs();
    });

    const click = (selector: string) => page.locator(selector).click();
    const texts = (selector: string) => page.$$eval(selector, (els) => els.map((e) => e.textContent ?? ''));
    const text = (selector: string) => page.$eval(selector, (e) => e.textContent);
    const inputValue = (selector: string) => page.$eval(selector, (e) => (e as unknown as { value: string }).value);
    /** The n-th hex dump of a detail pane: the message's bytes (0), an encrypted record's ciphertext (1). */
    const bytesView = async (scope: string, n: number) => {
      const views = await page.$$(`${scope} .detail .bytes-view`);
      expect(views.length).toBeGreaterThan(n);
      return views[n];
    };
    /** The offsets and hex of the highlighted bytes in a detail pane's first hex dump. */
    const selectedBytes = async (scope: string) => (await bytesView(scope, 0)).$$eval('.byte.sel', (els) => els.map((e) => [Number(e.getAttribute('data-offset')), e.textContent] as [number, string]));
    const shot = (what: string, fullPage = false) => page.screenshot({ path: join(ARTIFACTS, `${b.shots}-viewer-${what}.png`), fullPage });

    it("counts and refuses what a page asks of elsewhere, and the lesson's own Content-Security-Policy stops it first", async () => {
      // The guard the other checks rely on sees requests in this browser: a page without a policy is caught.
      const refused: string[] = [];
      const blank = await open('about:blank', refused, []);
      // A free port: were the request not stopped, it would be refused rather than answered.
      const probe = `http://127.0.0.1:${await freePort()}/probe`;
      const fetchFrom = (tab: Page) =>
        tab.evaluate(async (u) => {
          const violation = new Promise<string>((resolve) => (globalThis as unknown as InPage).document.addEventListener('securitypolicyviolation', (e) => resolve(e.effectiveDirective), { once: true }));
          const outcome = await fetch(u).then(() => 'loaded', () => 'refused');
          // The violation is reported as a task of its own: give it a moment after the fetch failed.
          return [outcome, await Promise.race([violation, new Promise<string>((resolve) => setTimeout(() => resolve('no violation'), 1000))])];
        }, probe);
      expect(await fetchFrom(blank)).toEqual(['refused', 'no violation']);
      expect(refused).toEqual([probe]);
      await blank.close();
      // The lesson's policy (default-src 'none') holds here: its fetch never becomes a request.
      const lessonTab = await open(lessonUrl, refused, []);
      expect(await fetchFrom(lessonTab)).toEqual(['refused', 'connect-src']);
      expect(refused).toEqual([probe]);
      await lessonTab.close();
    });

    it('draws the ladder: the messages in order, flight by flight, and loads nothing from elsewhere', async () => {
      const flights = await page.$$eval('#lesson .flight', (els) => els.map((f) => [f.getAttribute('data-direction'), [...f.querySelectorAll('.msg')].map((m) => m.textContent)]));
      const serverData = explained.connections[0].records.filter((r) => r.content_type === 'application_data' && r.direction === 'server-to-client').map((r) => (r.fragment?.length ?? 0) / 2);
      expect(flights).toEqual([
        ['client-to-server', ['client_hello']],
        ['server-to-client', ['server_hello', 'certificate', 'server_hello_done']],
        ['client-to-server', ['client_key_exchange', 'change_cipher_spec', 'finished']],
        ['server-to-client', ['change_cipher_spec', 'finished']],
        ['client-to-server', ['application_data, 1 byte', 'application_data, 17 bytes']],
        ['server-to-client', serverData.map((n) => `application_data, ${n} byte${n === 1 ? '' : 's'}`)],
        ['client-to-server', ['alert: warning close_notify']],
        ['server-to-client', ['alert: warning close_notify']],
      ]);
      expect(serverData).toEqual([1, 'HTTP/1.0 200 OK\r\n\r\nhello'.length - 1]);
      expect(await page.title()).toBe('ssl3 lesson: cap.pcap');
      expect(outside).toEqual([]);
      expect(await loadedElsewhere(page)).toEqual([]);
      expect(errors).toEqual([]);
    });

    it('clicking a field highlights exactly its bytes; clicking a byte selects the field that holds it', async () => {
      await click(msg('lesson', 'server_hello'));
      const hs = explained.connections[0].handshakes[0];
      const sessionIdLength = hs.session_id === '(empty)' ? 0 : hs.session_id!.length / 2;
      // RFC 6101 5.6.1.3: msg_type(1) length(3) server_version(2) random(32) session_id<0..32> cipher_suite(2).
      const at = 4 + 2 + 32 + 1 + sessionIdLength;
      await click('#lesson .detail .field[data-name="cipher_suite"]');
      expect(await selectedBytes('#lesson')).toEqual([
        [at, '00'],
        [at + 1, '0a'],
      ]);
      await click('#lesson .detail .field[data-name="server_version"]');
      expect(await selectedBytes('#lesson')).toEqual([
        [4, '03'],
        [5, '00'],
      ]);
      // A byte of the random: its innermost field is gmt_unix_time (RFC 6101 5.6.1.2), whose four bytes light up.
      await (await (await bytesView('#lesson', 0)).$('.byte[data-offset="7"]'))!.click();
      expect(await texts('#lesson .detail .field.sel')).toEqual([`gmt_unix_time ${gmtUnixTime(hs.server_random!)}`]);
      expect(await page.$eval('#lesson .detail .field.sel', (e) => e.getAttribute('data-name'))).toBe('gmt_unix_time');
      expect((await selectedBytes('#lesson')).map(([o]) => o)).toEqual([6, 7, 8, 9]);

      await click(msg('lesson', 'client_hello'));
      await (await (await bytesView('#lesson', 0)).$('.byte[data-offset="44"]'))!.click(); // inside the cipher suite list
      expect(await page.$$eval('#lesson .detail .field.sel', (els) => els.map((e) => e.getAttribute('data-name')))).toEqual(['CipherSuite']);
      await shot('fields');
    });

    it('shows the derivation with the values of explain --json, and each encrypted record opened', async () => {
      const k = explained.connections[0].handshakes[0].keys as KeyDerivation;
      const first = (sel: string) => text(`#lesson ${sel}`);
      expect(await first('[data-key="pre_master_secret"]')).toBe(k.pre_master_secret!.hex);
      expect(await first('[data-key="encrypted_pre_master_secret"]')).toBe(k.pre_master_secret!.encrypted);
      expect(await first('[data-key="master_secret"]')).toBe(k.master_secret.hex);
      for (const [name, rounds] of [['master_secret', k.master_secret.rounds!], ['key_block', k.key_block.rounds]] as const) {
        const shown = await page.$$eval(`#lesson [data-round^="${name}."]`, (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));
        expect(shown).toEqual(rounds.map((r) => [`'${r.label}'`, r.sha, r.md5]));
      }
      const parts = await page.$$eval('#lesson [data-part]', (els) => els.map((e) => [e.getAttribute('data-part'), e.textContent]));
      expect(parts).toEqual(k.key_block.parts.map((p) => [p.name, p.hex]));
      for (const f of explained.connections[0].handshakes[0].finished) {
        expect(await first(`[data-key="${f.sender}.expected.md5_hash"]`)).toBe(f.expected.md5_hash);
        expect(await first(`[data-key="${f.sender}.received.sha_hash"]`)).toBe(f.received.sha_hash);
      }
      // The client's Finished: the first record under the new keys, opened step by step.
      const record = explained.connections[0].records.find((r) => r.direction === 'client-to-server' && r.encrypted)!;
      await click(`#lesson .msg[data-record="${record.number}"]`);
      expect(await first('.detail [data-key="seq_num"]')).toBe('0');
      expect(await first('.detail [data-key="mac_input"]')).toBe(record.decryption!.mac_input);
      expect(await first('.detail [data-key="mac_expected"]')).toBe(record.decryption!.mac_expected);
      expect(await first('.detail [data-key="verdict"]')).toBe('MAC ok');
      const wire = await (await bytesView('#lesson', 1)).$$eval('.byte', (els) => els.map((e) => e.textContent).join(''));
      expect(wire).toBe(record.ciphertext);
      await shot('lesson', true);
    });

    it('runs the handshake in the page as the engine runs it in Node, and a changed field breaks it the same way', async () => {
      const outcome = () => texts('#lab #lab-outcome .end');
      await click('#lab #lab-run');
      await page.waitForSelector('#lab #lab-outcome .end');
      const base = await runDuet({ seed: 'lesson' });
      expect(await outcome()).toEqual(outcomeLines(base));
      expect(outcomeLines(base)[0]).toMatch(/^client: handshake complete \(TLS_RSA_WITH_AES_256_CBC_SHA\).*closed cleanly$/);

      // ServerHello.cipher_suite changed to NULL-MD5, which the client did not offer.
      await click(msg('lab', 'server_hello'));
      await click('#lab .detail .field[data-name="cipher_suite"]');
      expect(await inputValue('#lab #lab-bytes')).toBe('0035');
      await page.locator('#lab #lab-bytes').fill('0001');
      await click('#lab #lab-apply');
      await page.waitForSelector('#lab .msg.tampered');
      const serverHello = base.records.find((r) => r.sender === 'server')!;
      const suiteAt = 5 + field(handshakeTree(serverHello.bytes.subarray(5)).fields, 'cipher_suite').start;
      const changed = await runDuet({ seed: 'lesson', tamper: { sender: 'server', record: 0, offset: suiteAt, bytes: Uint8Array.of(0, 1) } });
      await expect.poll(outcome, { timeout: 10_000 }).toEqual(outcomeLines(changed));
      expect(outcomeLines(changed)[0]).toBe('client: no handshake completed; sent fatal alert illegal_parameter; failed: BAD_SERVER_HELLO (server chose cipher suite 0x0001, which was not offered)');
      expect(await text('#lab .tamper-note')).toBe(`Changed: the server's record 1: bytes ${suiteAt}..${suiteAt + 1} changed from 0035 to 0001 on the way`);
      await shot('lab', true);

      // A fresh run, then one bit of the client's encrypted Finished flipped on the wire.
      await click('#lab #lab-run');
      await expect.poll(outcome, { timeout: 10_000 }).toEqual(outcomeLines(base));
      const finished = base.records.find((r) => r.sender === 'client' && r.index === 3)!;
      await click(`#lab .msg[data-record="${base.records.indexOf(finished) + 1}"]`);
      await (await (await bytesView('#lab', 1)).$('.byte[data-offset="0"]'))!.click();
      const wire = toHex(finished.bytes.subarray(5));
      expect(await inputValue('#lab #lab-bytes')).toBe(wire);
      const flipped = fromHex(wire);
      flipped[0] ^= 0x01;
      await page.locator('#lab #lab-bytes').fill(toHex(flipped));
      await click('#lab #lab-apply');
      const tamper: DuetTamper = { sender: 'client', record: 3, offset: 5, bytes: flipped };
      const broken = await runDuet({ seed: 'lesson', tamper });
      await expect.poll(outcome, { timeout: 10_000 }).toEqual(outcomeLines(broken));
      expect(broken.server.closed?.kind).toBe('BAD_RECORD_MAC');
      expect(broken.server.alerts).toEqual([{ direction: 'sent', level: 'fatal', name: 'bad_record_mac' }]);
      // Bytes of the wrong length are refused, and nothing runs.
      await page.locator('#lab #lab-bytes').fill('00');
      await click('#lab #lab-apply');
      expect(await text('#lab #lab-change .bad')).toBe(` give ${flipped.length} bytes in hex`);
      expect(await outcome()).toEqual(outcomeLines(broken));
      expect(errors).toEqual([]);
      expect(outside).toEqual([]);
      expect(await loadedElsewhere(page)).toEqual([]);
    });

    it('draws a --trace-json lesson: the messages as the client traced them, the keys from its keys event', async () => {
      const tab = await open(traceLessonUrl);
      const names = await tab.$$eval('#lesson .msg', (els) => els.map((e) => e.textContent));
      expect(names.slice(0, 9)).toEqual(['client_hello', 'server_hello', 'certificate', 'server_hello_done', 'client_key_exchange', 'change_cipher_spec', 'finished', 'change_cipher_spec', 'finished']);
      expect(await tab.$eval('#lesson [data-key="master_secret"]', (e) => e.textContent)).toBe(explained.connections[0].handshakes[0].keys!.master_secret.hex);
      expect(readFileSync(traceLessonFile, 'utf8')).toContain('"source":"trace"');
      expect(await loadedElsewhere(tab)).toEqual([]);
      await tab.close();
      expect(errors).toEqual([]);
      expect(outside).toEqual([]);
    });
  });
}
