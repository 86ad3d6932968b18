// Differential tests against OpenSSL 3 (`openssl verify`, `openssl x509 -checkhost`,
// `-fingerprint`): chains made by `openssl req` / `openssl x509 -req` in a temporary directory
// must get the same verdict from verifyChain, checkHost and pinMatches as from OpenSSL.
// Skipped with a message when openssl is missing (failing instead under SSL3_REQUIRE_PEERS=1).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Certificate } from '../../src/pki/certificate.js';
import { checkHost } from '../../src/pki/hostname.js';
import { pemDecode } from '../../src/pki/pem.js';
import { pinMatches } from '../../src/pki/pin.js';
import { parseCertificate } from '../../src/pki/x509.js';
import { verifyChain, type ChainErrorCode } from '../../src/pki/verify.js';
import { findPeer } from '../helpers/peers.js';

const openssl = findPeer('openssl', 'openssl');
const DAY = 86_400_000;

let dir = '';
const run = (...args: string[]): string => execFileSync(openssl!, args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const load = (file: string): Certificate => parseCertificate(pemDecode(readFileSync(join(dir, file), 'utf8'))[0].der);

/**
 * `openssl verify` over files in `dir`: 'OK', or OpenSSL's error text (X509_verify_cert_error_string,
 * stable across 1.1 and 3.x, unlike some of the numbers).
 */
function opensslVerify(leaf: string, opts: { root: string; untrusted?: string; attime?: Date }): { verdict: string; text: string } {
  const args = ['verify', '-CAfile', opts.root];
  if (opts.untrusted) args.push('-untrusted', opts.untrusted);
  if (opts.attime) args.push('-attime', String(Math.floor(opts.attime.getTime() / 1000)));
  args.push(leaf);
  const r = spawnSync(openssl!, args, { cwd: dir, encoding: 'utf8' });
  const text = `${r.stdout}${r.stderr}`;
  if (r.status === 0 && /: OK\s*$/.test(r.stdout)) return { verdict: 'OK', text };
  const m = /error \d+ at \d+ depth lookup: (.+)/.exec(text);
  return { verdict: m ? m[1].trim() : 'unparsed', text };
}

function ext(name: string, lines: string[]): string {
  writeFileSync(join(dir, name), lines.join('\n') + '\n');
  return name;
}

/** A key and a CSR, then a certificate signed by `ca` (or self-signed when ca is undefined). */
function issue(name: string, subj: string, opts: { ca?: string; extfile?: string; days?: number; md?: string }): void {
  run('req', '-newkey', 'rsa:1024', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subj);
  const args = ['x509', '-req', '-in', `${name}.csr`, '-out', `${name}.pem`, '-days', String(opts.days ?? 365), `-${opts.md ?? 'sha256'}`];
  if (opts.ca) args.push('-CA', `${opts.ca}.pem`, '-CAkey', `${opts.ca}.key`, '-CAcreateserial');
  else args.push('-signkey', `${name}.key`);
  if (opts.extfile) args.push('-extfile', opts.extfile);
  run(...args);
}

// OpenSSL's messages for the failures provoked below.
const OSSL = {
  OK: 'OK',
  UNABLE_TO_GET_ISSUER_LOCALLY: 'unable to get local issuer certificate',
  CERT_NOT_YET_VALID: 'certificate is not yet valid',
  CERT_HAS_EXPIRED: 'certificate has expired',
  INVALID_CA: 'invalid CA certificate',
  PATH_LENGTH_EXCEEDED: 'path length constraint exceeded',
  CERT_SIGNATURE_FAILURE: 'certificate signature failure',
} as const;

describe.skipIf(!openssl)('verifyChain agrees with openssl verify', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ssl3-verify-'));
    const ca = ext('ca.ext', ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign', 'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid']);
    const ca0 = ext('ca0.ext', ['basicConstraints=critical,CA:TRUE,pathlen:0', 'keyUsage=critical,keyCertSign,cRLSign', 'subjectKeyIdentifier=hash']);
    const notCa = ext('notca.ext', ['basicConstraints=critical,CA:FALSE', 'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid']);
    const leafExt = ext('leaf.ext', [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=DNS:leaf.example,DNS:*.wild.example,IP:10.0.0.1,IP:2001:db8::1',
      'authorityKeyIdentifier=keyid',
    ]);
    issue('root', '/O=Diff Test/CN=OpenSSL Root', { extfile: ca, days: 3650 });
    issue('inter', '/O=Diff Test/CN=OpenSSL Intermediate', { ca: 'root', extfile: ca });
    issue('leaf', '/CN=leaf.example', { ca: 'inter', extfile: leafExt });
    issue('short', '/CN=short.example', { ca: 'inter', extfile: leafExt, days: 1 });
    issue('sha1leaf', '/CN=sha1.example', { ca: 'inter', extfile: leafExt, md: 'sha1' });
    issue('other', '/CN=Other Root', { extfile: ca });
    // A non-CA certificate posing as an intermediate.
    issue('notca', '/CN=Not A CA', { ca: 'root', extfile: notCa });
    issue('underNotCa', '/CN=under.example', { ca: 'notca', extfile: leafExt });
    // pathlen:0 on a root, with an intermediate below it.
    issue('root0', '/CN=Root pathlen 0', { extfile: ca0, days: 3650 });
    issue('inter0', '/CN=Intermediate under pathlen 0', { ca: 'root0', extfile: ca });
    issue('leaf0', '/CN=deep.example', { ca: 'inter0', extfile: leafExt });
    // A v1 root (no extensions: `x509 -req` without -extfile makes v1) issuing a leaf.
    issue('v1root', '/CN=V1 Root', { days: 3650 });
    issue('v1leaf', '/CN=v1leaf.example', { ca: 'v1root', extfile: ext('v1leaf.ext', ['basicConstraints=CA:FALSE', 'extendedKeyUsage=serverAuth']) });
    // No SAN: the CN is the only name (legacy device).
    issue('nosan', '/CN=10.1.2.3', { ca: 'inter', extfile: ext('nosan.ext', ['basicConstraints=CA:FALSE']) });
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const cases: { name: string; leaf: string; root: string; untrusted?: string[]; at?: number; ossl: string; ours: ChainErrorCode | 'ok' }[] = [
    { name: 'valid chain', leaf: 'leaf', root: 'root', untrusted: ['inter'], ossl: OSSL.OK, ours: 'ok' },
    { name: 'sha1 signature', leaf: 'sha1leaf', root: 'root', untrusted: ['inter'], ossl: OSSL.OK, ours: 'ok' },
    { name: 'expired leaf (-days 1, checked 10 days on)', leaf: 'short', root: 'root', untrusted: ['inter'], at: 10, ossl: OSSL.CERT_HAS_EXPIRED, ours: 'EXPIRED' },
    { name: 'not yet valid', leaf: 'leaf', root: 'root', untrusted: ['inter'], at: -10, ossl: OSSL.CERT_NOT_YET_VALID, ours: 'NOT_YET_VALID' },
    { name: 'missing intermediate', leaf: 'leaf', root: 'root', ossl: OSSL.UNABLE_TO_GET_ISSUER_LOCALLY, ours: 'UNTRUSTED_ROOT' },
    { name: 'wrong root', leaf: 'leaf', root: 'other', untrusted: ['inter'], ossl: OSSL.UNABLE_TO_GET_ISSUER_LOCALLY, ours: 'UNTRUSTED_ROOT' },
    { name: 'issuer is not a CA', leaf: 'underNotCa', root: 'root', untrusted: ['notca'], ossl: OSSL.INVALID_CA, ours: 'ISSUER_NOT_CA' },
    { name: 'pathlen 0 root above an intermediate', leaf: 'leaf0', root: 'root0', untrusted: ['inter0'], ossl: OSSL.PATH_LENGTH_EXCEEDED, ours: 'PATH_LENGTH_EXCEEDED' },
    { name: 'v1 root as the anchor', leaf: 'v1leaf', root: 'v1root', ossl: OSSL.OK, ours: 'ok' },
  ];

  it.each(cases)('$name', (c) => {
    const when = c.at === undefined ? new Date() : new Date(Date.now() + c.at * DAY);
    if (c.untrusted) writeFileSync(join(dir, 'untrusted.pem'), c.untrusted.map((f) => readFileSync(join(dir, `${f}.pem`), 'utf8')).join(''));
    const o = opensslVerify(`${c.leaf}.pem`, { root: `${c.root}.pem`, untrusted: c.untrusted ? 'untrusted.pem' : undefined, attime: when });
    expect(o.verdict, o.text).toBe(c.ossl);
    const chain = [load(`${c.leaf}.pem`), ...(c.untrusted ?? []).map((f) => load(`${f}.pem`))];
    const r = verifyChain(chain, { trustAnchors: [load(`${c.root}.pem`)], now: when, purpose: 'serverAuth' });
    expect(r.ok ? 'ok' : r.code, r.ok ? '' : r.reason).toBe(c.ours);
  });

  it('out-of-order chain with the root included (openssl takes the same set)', () => {
    const chain = ['leaf', 'root', 'inter'].map((f) => load(`${f}.pem`));
    const r = verifyChain(chain, { trustAnchors: [load('root.pem')] });
    expect(r.ok && r.path.map((c) => c.subject.rdns.flat().pop()!.value)).toEqual(['leaf.example', 'OpenSSL Intermediate', 'OpenSSL Root']);
  });

  it('a tampered leaf fails both', () => {
    const pem = readFileSync(join(dir, 'leaf.pem'), 'utf8');
    const der = pemDecode(pem)[0].der.slice();
    der[der.length - 5] ^= 1; // inside the signature
    writeFileSync(join(dir, 'tampered.der'), der);
    run('x509', '-inform', 'DER', '-in', 'tampered.der', '-out', 'tampered.pem');
    writeFileSync(join(dir, 'untrusted.pem'), readFileSync(join(dir, 'inter.pem')));
    expect(opensslVerify('tampered.pem', { root: 'root.pem', untrusted: 'untrusted.pem' }).verdict).toBe(OSSL.CERT_SIGNATURE_FAILURE);
    const r = verifyChain([parseCertificate(der), load('inter.pem')], { trustAnchors: [load('root.pem')] });
    expect(r.ok ? 'ok' : r.code).toBe('BAD_SIGNATURE');
  });

  it.each([
    ['leaf.example', true],
    ['LEAF.Example', true],
    ['a.wild.example', true],
    ['wild.example', false],
    ['a.b.wild.example', false],
    ['other.example', false],
    ['10.0.0.1', true],
    ['10.0.0.2', false],
    ['2001:db8::1', true],
    ['2001:DB8:0:0:0:0:0:1', true],
  ])('checkHost(leaf, %s) agrees with openssl x509 -checkhost/-checkip', (host, want) => {
    const isIp = /^[\d.]+$|:/.test(host);
    const out = run('x509', '-in', 'leaf.pem', '-noout', isIp ? '-checkip' : '-checkhost', host);
    expect(/ does match certificate/.test(out), out).toBe(want);
    expect(checkHost(load('leaf.pem'), host).ok).toBe(want);
  });

  it('a trailing dot: OpenSSL refuses it, we ignore it (the root label; RFC 6125 6.4.1)', () => {
    expect(run('x509', '-in', 'leaf.pem', '-noout', '-checkhost', 'leaf.example.')).toMatch(/does NOT match/);
    expect(checkHost(load('leaf.pem'), 'leaf.example.').ok).toBe(true);
  });

  it('CN fallback without SAN agrees with openssl for an IP-named device', () => {
    const cert = load('nosan.pem');
    // OpenSSL never matches an IP against the CN; we do for SAN-less legacy devices (documented).
    expect(run('x509', '-in', 'nosan.pem', '-noout', '-checkip', '10.1.2.3')).toMatch(/does NOT match/);
    expect(checkHost(cert, '10.1.2.3').ok).toBe(true);
    expect(checkHost(cert, '10.1.2.4').ok).toBe(false);
  });

  it('pins: openssl -fingerprint output and the SPKI pin curl would compute', () => {
    const cert = load('leaf.pem');
    const fp256 = run('x509', '-in', 'leaf.pem', '-noout', '-fingerprint', '-sha256').trim();
    const fp1 = run('x509', '-in', 'leaf.pem', '-noout', '-fingerprint', '-sha1').trim();
    expect(fp256).toMatch(/^sha256 Fingerprint=/i);
    expect(pinMatches(cert, fp256)).toBe(true);
    expect(pinMatches(cert, fp256.split('=')[1])).toBe(true);
    expect(pinMatches(cert, fp1)).toBe(true);
    expect(pinMatches(load('inter.pem'), fp256)).toBe(false);
    run('x509', '-in', 'leaf.pem', '-noout', '-pubkey', '-out', 'leaf.pub');
    run('pkey', '-pubin', '-in', 'leaf.pub', '-outform', 'DER', '-out', 'leaf.spki');
    run('dgst', '-sha256', '-binary', '-out', 'leaf.spki.sha256', 'leaf.spki');
    const spkiB64 = readFileSync(join(dir, 'leaf.spki.sha256')).toString('base64');
    expect(pinMatches(cert, `sha256//${spkiB64}`)).toBe(true);
    expect(pinMatches(load('inter.pem'), `sha256//${spkiB64}`)).toBe(false);
  });
});
