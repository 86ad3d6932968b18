/**
 * `ssl3 explain` on the command line: the text a learner reads (derivation under RFC 6101's
 * names, per-record MAC and padding), --json as the same data, several --keylog files, and one
 * clear line for each file that cannot be used.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { privateKeyToPem } from '../../src/pki/keys.js';
import { parseSuiteList } from '../../src/ciphers/suites.js';
import type { CaptureExplanation } from '../../src/trace/explain-model.js';
import { capture } from '../helpers/cli.js';
import { identity } from '../connection/pair.js';
import { converse, ENDPOINTS, recorder } from '../trace/capture-helpers.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dirs.js';

afterAll(() => removeTempDirs());

const dir = tempDir('cli-explain');
const rec = recorder();
const { client } = converse(rec, ENDPOINTS, { client: { suites: parseSuiteList('des-cbc-sha') } });
const cap = join(dir, 'cap.pcap');
writeFileSync(cap, rec.bytes());
const keyFile = join(dir, 'server.pem');
writeFileSync(keyFile, privateKeyToPem(identity().key));
const keylog = join(dir, 'keys.txt');
writeFileSync(keylog, `# a comment\n${client.keylog.join('')}`);
const otherLog = join(dir, 'other.txt');
writeFileSync(otherLog, `CLIENT_RANDOM ${'00'.repeat(32)} ${'11'.repeat(48)}\nCLIENT_RANDOM nothex\n`);

async function explain(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = capture();
  const code = await main(['explain', ...args], io);
  return { code, out: io.out, err: io.err };
}

describe('ssl3 explain', () => {
  it('prints the connection, the derivation step by step and each record opened', async () => {
    const { code, out, err } = await explain(cap, '--key', keyFile);
    expect([code, err]).toEqual([0, '']);
    expect(out).toMatch(/^.*cap\.pcap: pcap, \d+ frames, 1 SSL\/TLS connection\n/);
    expect(out).toContain('== TCP stream 0: client 127.0.0.1:40000, server 127.0.0.1:4433: SSL 3.0');
    expect(out).toContain(`source: the server's RSA key ${keyFile} decrypts the ClientKeyExchange to pre_master_secret [RFC 6101 5.6.7.1]`);
    for (const line of [
      /\n +pre_master_secret 0300[0-9a-f]{92}\n/,
      /\n +master_secret = MD5\(pre_master_secret \+ SHA\('A' \+ pre_master_secret \+ ClientHello\.random \+ ServerHello\.random\)\)/,
      /\n +'BB' +SHA\(\.\.\.\) = [0-9a-f]{40} +MD5\(\.\.\.\) = [0-9a-f]{32}\n/,
      /\n +key_block, 72 bytes, cut in the order of RFC 6101 6\.2\.2:\n +client_write_MAC_secret +\[0\.\.20\) +[0-9a-f]{40}\n/,
      /\n +client_write_IV +\[56\.\.64\) +[0-9a-f]{16}\n/,
      // The engine splits CBC data 1/n-1 (the BEAST countermeasure): 'G' first, then the rest.
      /\n +seq_num 1\n +MAC input: seq_num 0000000000000001, type 17 \(application_data\), length 0001 \(1\), then the 1-byte content\n/,
      /\n +padding 0202 \(2 bytes\), padding_length 2\n +MAC ok\n +data: "G"\n/,
      /\n +seq_num 2\n +MAC input: seq_num 0000000000000002, type 17 \(application_data\), length 0011 \(17\), then the 17-byte content\n/,
      /\n +MAC ok\n +data: "ET \/ HTTP\/1\.0\\r\\n\\r\\n"\n/,
      /\n +Finished check \(server, Sender 'SRVR'\):\n +expected md5_hash [0-9a-f]{32} sha_hash [0-9a-f]{40}\n +received .*\n +Finished ok\n/,
      /\n +alert: warning close_notify\n/,
    ]) {
      expect(out).toMatch(line);
    }
  });

  it('--json gives the same as data; several --keylog files are read together', async () => {
    const { code, out, err } = await explain(cap, '--keylog', otherLog, '--keylog', keylog, '--json');
    expect(code).toBe(0);
    expect(err).toBe(`ssl3 explain: warning: --keylog ${otherLog}: line 2 malformed, skipped\n`);
    const e = JSON.parse(out) as CaptureExplanation & { file: string };
    expect(e.file).toBe(cap);
    const c = e.connections[0];
    expect(c.handshakes[0]).toMatchObject({ kind: 'full', cipher_suite: 'SSL_RSA_WITH_DES_CBC_SHA', keys: { source: expect.stringMatching(/key log/) } });
    expect(c.records.filter((r) => r.encrypted).every((r) => r.decryption?.ok)).toBe(true);
    expect(c.records.filter((r) => r.content_type === 'application_data' && r.direction === 'client-to-server').map((r) => r.text)).toEqual(['G', 'ET / HTTP/1.0\\r\\n\\r\\n']);
  });

  it('one clear line for a file it cannot use', async () => {
    const notCapture = join(dir, 'not.pcap');
    writeFileSync(notCapture, 'hello, world');
    expect(await explain(join(dir, 'missing.pcap'))).toMatchObject({ code: 1, err: `ssl3 explain: ${join(dir, 'missing.pcap')}: no such file\n` });
    expect(await explain(notCapture)).toMatchObject({ code: 1, err: `ssl3 explain: ${notCapture}: not a pcap or pcapng file (it starts with 68 65 6c 6c)\n` });
    expect(await explain(cap, '--key', notCapture)).toMatchObject({ code: 1, err: expect.stringMatching(new RegExp(`^ssl3 explain: --key ${notCapture}: not an RSA private key: .*\\n$`)) });
    expect(await explain(cap, '--keylog', dir)).toMatchObject({ code: 1, err: `ssl3 explain: --keylog ${dir}: is a directory\n` });
    expect((await explain()).err.split('\n')[0]).toBe('ssl3 explain: give exactly one CAPTURE file');
    expect((await explain(cap, '--bogus')).code).toBe(2);
  });
});
