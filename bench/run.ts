/**
 * `npm run bench`: our primitives beside node:crypto's native (OpenSSL) ones, measured in
 * the same run on the same machine, reported as ratios (ours / native, higher is better).
 * Runs under `node --openssl-legacy-provider` so that native RC4 and single DES exist.
 * The engine rows (handshake.ts, bulk.ts) run our client and server against node:tls over
 * loopback, each server in a worker thread (engine.ts): handshakes per second and one
 * connection's throughput per suite; http.ts adds HTTPS requests per second (keep-alive on
 * one connection, and a new connection per request) over our HTTPS server and client.
 * The nss-* rows (nss.ts) put `ssl3 serve` and our client beside NSS selfserv and tstclnt,
 * under NSS's strsclnt and tstclnt: the yardstick of issue 14. The burst-* rows (burst.ts) time
 * resumed handshakes and an open connection's data while strsclnt bursts full handshakes at our
 * server, with the RSA pool (`rsaThreads`) and without. Each row names what its `native`
 * figure is (openssl, node:tls, node:https, NSS, rsaThreads off).
 *
 *   npm run bench                   table on stdout
 *   npm run bench -- --json F       also write [{ name, unit, ours, native, ratio, against }] to F
 *   npm run bench -- --only rsa     rows whose name contains a word (repeatable)
 */
import { createCipheriv, createDecipheriv, createHash, generateKeyPairSync, privateEncrypt, publicEncrypt, constants, createPrivateKey } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { compare, meanRate, type Row } from './measure.js';
import { Rc4 } from '../src/ciphers/rc4.js';
import { Des, TripleDes } from '../src/ciphers/des.js';
import { Aes } from '../src/ciphers/aes.js';
import { md5 } from '../src/ciphers/md5.js';
import { sha1 } from '../src/ciphers/sha1.js';
import { createBulkCipher } from '../src/ciphers/factory.js';
import { ssl3Pad } from '../src/ciphers/ssl3-padding.js';
import { suiteByName, type CipherSuite } from '../src/ciphers/suites.js';
import { Ssl3Mac } from '../src/record/ssl3-mac.js';
import { generateRsaKey, rsaEncryptPkcs1, rsaSignPkcs1 } from '../src/pki/rsa.js';
import type { RsaPrivateKey } from '../src/pki/rsa-key.js';
import { nodeRsaKey } from '../test/helpers/keys.js';
import { bigIntToBytes } from '../src/util/bytes.js';
import { handshakeFullRows, handshakeResumedRows } from './handshake.js';
import { BULK_NAMES, bulkRows } from './bulk.js';
import { HTTP_NAMES, httpRows } from './http.js';
import { NSS_NAMES, nssRows } from './nss.js';
import { BURST_NAMES, burstRows } from './burst.js';

const RECORD = 16 * 1024;
const MB = 1024 * 1024;

function random(n: number): Uint8Array {
  const b = new Uint8Array(n);
  globalThis.crypto.getRandomValues(b);
  return b;
}

const data = random(RECORD);
const mb = RECORD / MB;

function cipherRows(): Row[] {
  const rows: Row[] = [];
  const k16 = random(16);
  const k8 = random(8);
  const k24 = random(24);
  const iv8 = random(8);
  const iv16 = random(16);

  const rc4 = new Rc4(k16);
  const nrc4 = createCipheriv('rc4', k16, null);
  rows.push(compare('rc4', 'MB/s', () => rc4.update(data), () => nrc4.update(data), mb));

  const des = new Des(k8);
  const ndes = createCipheriv('des-cbc', k8, iv8).setAutoPadding(false);
  rows.push(compare('des-cbc', 'MB/s', () => des.encryptCbc(data, iv8), () => ndes.update(data), mb));

  const tdes = new TripleDes(k24);
  const ntdes = createCipheriv('des-ede3-cbc', k24, iv8).setAutoPadding(false);
  rows.push(compare('3des-cbc', 'MB/s', () => tdes.encryptCbc(data, iv8), () => ntdes.update(data), mb));
  // Decryption has its own row: it runs two blocks at a time (des.ts cbcDecryptPairs).
  const ntdesDec = createDecipheriv('des-ede3-cbc', k24, iv8).setAutoPadding(false);
  rows.push(compare('3des-cbc-decrypt', 'MB/s', () => tdes.decryptCbc(data, iv8), () => ntdesDec.update(data), mb));

  const aes = new Aes(k16);
  const naes = createCipheriv('aes-128-cbc', k16, iv16).setAutoPadding(false);
  rows.push(compare('aes-128-cbc', 'MB/s', () => aes.encryptCbc(data, iv16), () => naes.update(data), mb));

  rows.push(compare('md5', 'MB/s', () => md5(data), () => createHash('md5').update(data).digest(), mb));
  rows.push(compare('sha1', 'MB/s', () => sha1(data), () => createHash('sha1').update(data).digest(), mb));
  const ours = rows.at(-1)!.ours;
  const software = opensslSoftwareSha1();
  rows.push({ name: 'sha1-no-sha-ext', unit: 'MB/s', ours, native: software, ratio: ours / software });
  return rows;
}

/**
 * OpenSSL's SHA-1 with the CPU's SHA extensions (SHA-NI) masked off through OPENSSL_ia32cap
 * (CPUID leaf 7 EBX bit 29), measured in a child process: the software SHA-1, which is what
 * JavaScript, with no access to those instructions, can be held to. The `sha1` row is against
 * whatever OpenSSL uses on this CPU (its SHA-1 instructions where it has them).
 */
function opensslSoftwareSha1(): number {
  const measure = JSON.stringify(new URL('./measure.ts', import.meta.url).href);
  const script = `import { createHash } from 'node:crypto'; import { rate } from ${measure};
const data = new Uint8Array(${RECORD}); console.log(rate(() => createHash('sha1').update(data).digest(), ${mb}));`;
  const env = { ...process.env, OPENSSL_ia32cap: ':~0x20000000' };
  return Number(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env, encoding: 'utf8' }).trim());
}

const NATIVE_CIPHER: Record<string, string> = {
  rc4: 'rc4',
  'des-cbc': 'des-cbc',
  '3des-ede-cbc': 'des-ede3-cbc',
  'aes-128-cbc': 'aes-128-cbc',
  'aes-256-cbc': 'aes-256-cbc',
};

/** The SSL 3.0 MAC (RFC 6101 5.2.3.1) built from node's native hashes, as the baseline. */
function nativeSsl3Mac(hash: 'md5' | 'sha1', secret: Uint8Array, seq: bigint, type: number, content: Uint8Array): Buffer {
  const padLen = hash === 'md5' ? 48 : 40;
  const header = Buffer.alloc(11);
  header.writeBigUInt64BE(seq);
  header[8] = type;
  header.writeUInt16BE(content.length, 9);
  const inner = createHash(hash).update(secret).update(Buffer.alloc(padLen, 0x36)).update(header).update(content).digest();
  return createHash(hash).update(secret).update(Buffer.alloc(padLen, 0x5c)).update(inner).digest();
}

/** MAC + encrypt of one 16 KiB application-data record, as the record layer does it. */
function suiteRow(suite: CipherSuite): Row {
  const macSecret = random(suite.macLength);
  const key = random(suite.keyLength);
  const iv = random(suite.ivLength);
  const mac = new Ssl3Mac(suite.mac, macSecret);
  const cipher = createBulkCipher(suite, key, iv, 'encrypt');
  const native = createCipheriv(NATIVE_CIPHER[suite.cipher], key, suite.ivLength ? iv : null).setAutoPadding(false);
  let seq = 0n;
  const block = suite.blockSize > 1;
  const ours = () => {
    const m = mac.compute(seq++, 23, data);
    const plain = new Uint8Array(data.length + m.length);
    plain.set(data);
    plain.set(m, data.length);
    cipher.update(block ? ssl3Pad(plain, suite.blockSize) : plain);
  };
  let nseq = 0n;
  const nat = () => {
    const m = nativeSsl3Mac(suite.mac, macSecret, nseq++, 23, data);
    const plain = Buffer.concat([data, m]);
    if (block) {
      const padLen = (suite.blockSize - ((plain.length + 1) % suite.blockSize)) % suite.blockSize;
      native.update(Buffer.concat([plain, Buffer.alloc(padLen), Buffer.of(padLen)]));
    } else {
      native.update(plain);
    }
  };
  return compare(suite.iosKeyword, 'MB/s', ours, nat, mb);
}

function nodeKey(key: RsaPrivateKey) {
  const b64 = (n: bigint) => Buffer.from(bigIntToBytes(n)).toString('base64url');
  return createPrivateKey({
    key: { kty: 'RSA', n: b64(key.n), e: b64(key.e), d: b64(key.d), p: b64(key.p), q: b64(key.q), dp: b64(key.dp), dq: b64(key.dq), qi: b64(key.qinv) },
    format: 'jwk',
  });
}

function rsaRows(): Row[] {
  const rows: Row[] = [];
  for (const bits of [1024, 2048]) {
    const key = nodeRsaKey(bits);
    const nkey = nodeKey(key);
    const digest = random(36); // the MD5+SHA-1 digest SSL 3.0 signs
    const premaster = random(48);
    rows.push(
      compare(`rsa${bits}-private`, 'ops/s', () => rsaSignPkcs1(key, 'md5-sha1', digest), () => privateEncrypt({ key: nkey, padding: constants.RSA_PKCS1_PADDING }, digest), 1),
    );
    rows.push(
      compare(`rsa${bits}-public`, 'ops/s', () => rsaEncryptPkcs1(key, premaster), () => publicEncrypt({ key: nkey, padding: constants.RSA_PKCS1_PADDING }, premaster), 1),
    );
  }
  const count = 4;
  const ours = meanRate(() => generateRsaKey(2048), count);
  const native = meanRate(() => generateKeyPairSync('rsa', { modulusLength: 2048 }), count);
  rows.push({ name: 'rsa2048-keygen', unit: 'keys/s', ours, native, ratio: ours / native });
  return rows;
}

/**
 * `run` gets the row filter so a group of slow rows can skip the ones not asked for;
 * `against` names what the group's `native` figure is.
 */
const GROUPS: { names: string[]; against: string; run: (want: (name: string) => boolean) => Row[] | Promise<Row[]> }[] = [
  { names: ['rc4', 'des-cbc', '3des-cbc', 'aes-128-cbc', 'md5', 'sha1', 'sha1-no-sha-ext'], against: 'openssl', run: cipherRows },
  {
    names: ['rc4-128-md5', 'rc4-128-sha', '3des-ede-cbc-sha', 'des-cbc-sha', 'aes-128-cbc-sha', 'aes-256-cbc-sha'],
    against: 'openssl',
    run: () => ['rc4-128-md5', 'rc4-128-sha', '3des-ede-cbc-sha', 'des-cbc-sha', 'aes-128-cbc-sha', 'aes-256-cbc-sha'].map((n) => suiteRow(suiteByName(n))),
  },
  { names: ['rsa1024-private', 'rsa1024-public', 'rsa2048-private', 'rsa2048-public', 'rsa2048-keygen'], against: 'openssl', run: rsaRows },
  { names: ['hs-full'], against: 'node:tls', run: handshakeFullRows },
  { names: ['hs-resumed'], against: 'node:tls', run: handshakeResumedRows },
  { names: BULK_NAMES, against: 'node:tls', run: bulkRows },
  { names: HTTP_NAMES, against: 'node:https', run: httpRows },
  { names: NSS_NAMES, against: 'NSS', run: nssRows },
  { names: BURST_NAMES, against: 'rsaThreads off', run: burstRows },
];

function fmt(n: number): string {
  return n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { json: { type: 'string' }, only: { type: 'string', multiple: true } } });
  const only = values.only ?? [];
  const want = (name: string) => !only.length || only.some((o) => name.includes(o));
  const rows: Row[] = [];
  // Text only (the JSON stays an array of rows): a busy machine explains low figures.
  console.log(`load ${loadavg()[0].toFixed(2)} (1-min average), ${availableParallelism()} cores`);
  console.log(`${'name'.padEnd(24)} ${'unit'.padEnd(7)} ${'ours'.padStart(10)} ${'native'.padStart(10)} ${'ratio'.padStart(7)}  against`);
  for (const g of GROUPS) {
    if (!g.names.some(want)) continue;
    for (const r of await g.run(want)) {
      if (!want(r.name)) continue;
      r.against ??= g.against;
      rows.push(r);
      console.log(`${r.name.padEnd(24)} ${r.unit.padEnd(7)} ${fmt(r.ours).padStart(10)} ${fmt(r.native).padStart(10)} ${r.ratio.toFixed(2).padStart(7)}  ${r.against}${r.cpuRatio === undefined ? '' : ` (by CPU ${r.cpuRatio.toFixed(2)})`}`);
    }
  }
  console.log(`load ${loadavg()[0].toFixed(2)} at the end`);
  if (values.json) {
    writeFileSync(values.json, JSON.stringify(rows, null, 2) + '\n');
    console.log(`wrote ${rows.length} rows to ${values.json}`);
  }
}

await main();
