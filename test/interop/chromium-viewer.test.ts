/**
 * The viewer's page in a real browser: headless Chromium (Debian `chromium`, driven by
 * playwright-core) opens the file `ssl3 view` wrote, with every request that is not the file
 * itself refused and counted, and:
 * - the ladder shows the connection's messages in order, flight by flight;
 * - clicking a field highlights exactly its bytes (offsets computed here from the RFC 6101
 *   layout), and clicking a byte selects the innermost field that holds it;
 * - the derivation panel shows the values `ssl3 explain --json` gives, and an encrypted
 *   record shows how it was opened;
 * - the lab's handshake (the engine bundled into the page) completes with the outcome the
 *   same code gives in Node, and a field changed in the page breaks it as in Node;
 * - a --trace-json lesson draws too; screenshots are kept in test-artifacts/.
 * Without chromium the tests skip with a message; with SSL3_REQUIRE_PEERS=1 they fail.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { CaptureExplanation, KeyDerivation } from '../../src/trace/explain-model.js';
import { handshakeTree } from '../../src/trace/field-tree.js';
import { field } from '../helpers/fields.js';
import { outcomeLines, runDuet, type DuetTamper } from '../../src/viewer/duet.js';
import { fromHex, toHex } from '../../src/util/bytes.js';
import { findPeer } from '../helpers/peers.js';
import { runCli } from '../helpers/cli.js';
import { lessonInputs } from '../helpers/lesson.js';
import { removeTempDirs, tempDir } from './nss-helpers.js';

const chromiumPath = findPeer('chromium', 'chromium');
const ARTIFACTS = join(process.cwd(), 'test-artifacts');
/** The flags of chromium-bridge.test.ts: no sandbox (root), nothing fetched from outside, a fresh profile. */
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

async function cli(command: string, ...args: string[]): Promise<string> {
  const r = await runCli(command, ...args);
  if (r.code !== 0) throw new Error(`ssl3 ${command} ${args.join(' ')}: ${r.err}`);
  return r.out;
}

describe.skipIf(!chromiumPath)('the viewer in headless Chromium', () => {
  let browser: BrowserContext;
  let page: Page;
  let explained: CaptureExplanation;
  let lessonFile: string;
  let traceLessonFile: string;
  const outside: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    const dir = tempDir('chromium-viewer');
    const { cap, trace, key } = lessonInputs(dir);
    lessonFile = join(dir, 'lesson.html');
    traceLessonFile = join(dir, 'trace.html');
    await cli('view', cap, '--key', key, '-o', lessonFile);
    await cli('view', trace, '-o', traceLessonFile);
    explained = JSON.parse(await cli('explain', cap, '--key', key, '--json')) as CaptureExplanation;

    browser = await chromium.launchPersistentContext(tempDir('chromium-viewer-profile'), { executablePath: chromiumPath!, headless: true, args: CHROMIUM_FLAGS, viewport: { width: 1400, height: 1000 } });
    browser.setDefaultTimeout(15_000);
    // The page must need nothing but itself: anything else it asks for is refused and counted.
    await browser.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file://')) return route.continue();
      outside.push(url);
      return route.abort();
    });
    page = await browser.newPage();
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
    await page.goto(`file://${lessonFile}`);
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    removeTempDirs();
  });

  const lesson = (selector: string) => page.locator(`#lesson ${selector}`);
  const lab = (selector: string) => page.locator(`#lab ${selector}`);
  /** The offsets of the highlighted bytes in a detail pane. */
  const selectedBytes = async (scope: string) => (await page.locator(`${scope} .detail .bytes-view >> nth=0`).locator('.byte.sel').evaluateAll((els) => els.map((e) => [Number(e.getAttribute('data-offset')), e.textContent]))) as [number, string][];

  it('draws the ladder: the messages in order, flight by flight, and loads nothing from elsewhere', async () => {
    const flights = await lesson('.flight').evaluateAll((els) => els.map((f) => [f.getAttribute('data-direction'), [...f.querySelectorAll('.msg')].map((m) => m.textContent)]));
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
    expect(errors).toEqual([]);
  });

  it("clicking a field highlights exactly its bytes; clicking a byte selects the field that holds it", async () => {
    await lesson('.msg:text-is("server_hello")').click();
    const hs = explained.connections[0].handshakes[0];
    const sessionIdLength = hs.session_id === '(empty)' ? 0 : hs.session_id!.length / 2;
    // RFC 6101 5.6.1.3: msg_type(1) length(3) server_version(2) random(32) session_id<0..32> cipher_suite(2).
    const at = 4 + 2 + 32 + 1 + sessionIdLength;
    await lesson('.detail .field[data-name="cipher_suite"]').click();
    expect(await selectedBytes('#lesson')).toEqual([
      [at, '00'],
      [at + 1, '0a'],
    ]);
    await lesson('.detail .field[data-name="server_version"]').click();
    expect(await selectedBytes('#lesson')).toEqual([
      [4, '03'],
      [5, '00'],
    ]);
    // A byte of the random: its innermost field is gmt_unix_time (RFC 6101 5.6.1.2), whose four bytes light up.
    await lesson('.detail .byte[data-offset="7"] >> nth=0').click();
    expect(await lesson('.detail .field.sel').getAttribute('data-name')).toBe('gmt_unix_time');
    expect((await selectedBytes('#lesson')).map(([o]) => o)).toEqual([6, 7, 8, 9]);
    expect(await lesson('.detail .field.sel').textContent()).toBe(`gmt_unix_time ${handshakeTreeValue(hs.server_random!)}`);

    await lesson('.msg:text-is("client_hello")').click();
    await lesson('.detail .byte[data-offset="44"] >> nth=0').click(); // inside the cipher suite list
    expect(await lesson('.detail .field.sel').getAttribute('data-name')).toBe('CipherSuite');
    await page.screenshot({ path: join(ARTIFACTS, 'viewer-fields.png') });
  });

  it('shows the derivation with the values of explain --json, and each encrypted record opened', async () => {
    const k = explained.connections[0].handshakes[0].keys as KeyDerivation;
    const text = (sel: string) => lesson(sel).first().textContent();
    expect(await text('[data-key="pre_master_secret"]')).toBe(k.pre_master_secret!.hex);
    expect(await text('[data-key="encrypted_pre_master_secret"]')).toBe(k.pre_master_secret!.encrypted);
    expect(await text('[data-key="master_secret"]')).toBe(k.master_secret.hex);
    for (const [name, rounds] of [['master_secret', k.master_secret.rounds!], ['key_block', k.key_block.rounds]] as const) {
      const shown = await lesson(`[data-round^="${name}."]`).evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));
      expect(shown).toEqual(rounds.map((r) => [`'${r.label}'`, r.sha, r.md5]));
    }
    const parts = await lesson('[data-part]').evaluateAll((els) => els.map((e) => [e.getAttribute('data-part'), e.textContent]));
    expect(parts).toEqual(k.key_block.parts.map((p) => [p.name, p.hex]));
    for (const f of explained.connections[0].handshakes[0].finished) {
      expect(await text(`[data-key="${f.sender}.expected.md5_hash"]`)).toBe(f.expected.md5_hash);
      expect(await text(`[data-key="${f.sender}.received.sha_hash"]`)).toBe(f.received.sha_hash);
    }
    // The client's Finished: the first record under the new keys, opened step by step.
    const record = explained.connections[0].records.find((r) => r.direction === 'client-to-server' && r.encrypted)!;
    await lesson(`.msg[data-record="${record.number}"]`).click();
    expect(await text('.detail [data-key="seq_num"]')).toBe('0');
    expect(await text('.detail [data-key="mac_input"]')).toBe(record.decryption!.mac_input);
    expect(await text('.detail [data-key="mac_expected"]')).toBe(record.decryption!.mac_expected);
    expect(await text('.detail [data-key="verdict"]')).toBe('MAC ok');
    const wire = await lesson('.detail .bytes-view >> nth=1').locator('.byte').count();
    expect(wire).toBe(fromHex(record.ciphertext!).length);
    await page.screenshot({ path: join(ARTIFACTS, 'viewer-lesson.png'), fullPage: true });
  });

  it('runs the handshake in the page as the engine runs it in Node, and a changed field breaks it the same way', async () => {
    await lab('#lab-run').click();
    await lab('#lab-outcome .end').first().waitFor();
    const base = await runDuet({ seed: 'lesson' });
    expect(await lab('#lab-outcome .end').allTextContents()).toEqual(outcomeLines(base));
    expect(outcomeLines(base)[0]).toMatch(/^client: handshake complete \(TLS_RSA_WITH_AES_256_CBC_SHA\).*closed cleanly$/);

    // ServerHello.cipher_suite changed to NULL-MD5, which the client did not offer.
    await lab('.msg:text-is("server_hello")').click();
    await lab('.detail .field[data-name="cipher_suite"]').click();
    expect(await lab('#lab-bytes').inputValue()).toBe('0035');
    await lab('#lab-bytes').fill('0001');
    await lab('#lab-apply').click();
    await lab('.msg.tampered').first().waitFor();
    const serverHello = base.records.find((r) => r.sender === 'server')!;
    const suiteAt = 5 + field(handshakeTree(serverHello.bytes.subarray(5)).fields, 'cipher_suite').start;
    const changed = await runDuet({ seed: 'lesson', tamper: { sender: 'server', record: 0, offset: suiteAt, bytes: Uint8Array.of(0, 1) } });
    await expect.poll(() => lab('#lab-outcome .end').allTextContents()).toEqual(outcomeLines(changed));
    expect(outcomeLines(changed)[0]).toBe('client: no handshake completed; sent fatal alert illegal_parameter; failed: BAD_SERVER_HELLO (server chose cipher suite 0x0001, which was not offered)');
    expect(await lab('.tamper-note').textContent()).toBe(`Changed: the server's record 1: bytes ${suiteAt}..${suiteAt + 1} changed from 0035 to 0001 on the way`);
    await page.screenshot({ path: join(ARTIFACTS, 'viewer-lab.png'), fullPage: true });

    // A fresh run, then one bit of the client's encrypted Finished flipped on the wire.
    await lab('#lab-run').click();
    await expect.poll(() => lab('#lab-outcome .end').allTextContents()).toEqual(outcomeLines(base));
    const finished = base.records.find((r) => r.sender === 'client' && r.index === 3)!;
    await lab(`.msg[data-record="${base.records.indexOf(finished) + 1}"]`).click();
    await lab('.detail .bytes-view >> nth=1').locator('.byte[data-offset="0"]').click();
    const wire = toHex(finished.bytes.subarray(5));
    expect(await lab('#lab-bytes').inputValue()).toBe(wire);
    const flipped = fromHex(wire);
    flipped[0] ^= 0x01;
    await lab('#lab-bytes').fill(toHex(flipped));
    await lab('#lab-apply').click();
    const tamper: DuetTamper = { sender: 'client', record: 3, offset: 5, bytes: flipped };
    const broken = await runDuet({ seed: 'lesson', tamper });
    await expect.poll(() => lab('#lab-outcome .end').allTextContents()).toEqual(outcomeLines(broken));
    expect(broken.server.closed?.kind).toBe('BAD_RECORD_MAC');
    expect(broken.server.alerts).toEqual([{ direction: 'sent', level: 'fatal', name: 'bad_record_mac' }]);
    // Bytes of the wrong length are refused, and nothing runs.
    await lab('#lab-bytes').fill('00');
    await lab('#lab-apply').click();
    expect(await lab('#lab-change .bad').textContent()).toBe(` give ${flipped.length} bytes in hex`);
    expect(errors).toEqual([]);
    expect(outside).toEqual([]);
  });

  it('draws a --trace-json lesson: the messages as the client traced them, the keys from its keys event', async () => {
    const tab = await browser.newPage();
    await tab.goto(`file://${traceLessonFile}`);
    const names = await tab.locator('#lesson .msg').allTextContents();
    expect(names.slice(0, 9)).toEqual(['client_hello', 'server_hello', 'certificate', 'server_hello_done', 'client_key_exchange', 'change_cipher_spec', 'finished', 'change_cipher_spec', 'finished']);
    expect(await tab.locator('#lesson [data-key="master_secret"]').textContent()).toBe(explained.connections[0].handshakes[0].keys!.master_secret.hex);
    expect(readFileSync(traceLessonFile, 'utf8')).toContain('"source":"trace"');
    await tab.close();
    expect(errors).toEqual([]);
  });
});

/** gmt_unix_time as the page writes it: seconds, and the date (RFC 6101 5.6.1.2). */
function handshakeTreeValue(randomHex: string): string {
  const t = parseInt(randomHex.slice(0, 8), 16);
  return `${t} (${new Date(t * 1000).toISOString().replace('.000', '')})`;
}
