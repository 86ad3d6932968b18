/**
 * PEM (RFC 7468): strict writing, lax reading, and typed errors for what must not be guessed.
 * Base64 is compared with node's Buffer on random data; a certificate from the openssl CLI
 * checks that we read what OpenSSL writes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { base64Decode, base64Encode, isLegacyEncrypted, isPem, pemDecode, pemEncode, PemError } from '../../src/pki/pem.js';
import { Ssl3Error } from '../../src/util/errors.js';
import { findPeer } from '../helpers/peers.js';

function pemError(f: () => unknown): PemError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(PemError);
    expect(e).toBeInstanceOf(Ssl3Error);
    return e as PemError;
  }
  throw new Error('expected a PemError, but nothing was thrown');
}

function bytes(n: number, seed = n): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 131 + seed * 7 + 13) & 0xff;
  return out;
}

describe('base64', () => {
  it('matches node Buffer for every length 0..300, both ways', () => {
    for (let n = 0; n <= 300; n++) {
      const b = bytes(n);
      const expected = Buffer.from(b).toString('base64');
      expect(base64Encode(b)).toBe(expected);
      expect(base64Decode(expected)).toEqual(b);
      expect(base64Decode(expected.replace(/=+$/, ''))).toEqual(b); // padding may be omitted
    }
  });

  it('rejects bad characters, misplaced padding and impossible lengths', () => {
    expect(pemError(() => base64Decode('QUJD*')).code).toBe('BAD_PEM');
    expect(pemError(() => base64Decode('QU=JD')).code).toBe('BAD_PEM');
    expect(pemError(() => base64Decode('QUJDR')).code).toBe('BAD_PEM');
    expect(pemError(() => base64Decode('QUI==')).code).toBe('BAD_PEM');
    expect(pemError(() => base64Decode('QUJD-_')).code).toBe('BAD_PEM'); // base64url is not PEM
    expect(pemError(() => base64Decode('QUJDé')).code).toBe('BAD_PEM');
  });
});

describe('pemEncode', () => {
  it('writes 64-column lines between BEGIN and END, LF line ends', () => {
    const der = bytes(200);
    const pem = pemEncode('CERTIFICATE', der);
    const lines = pem.split('\n');
    expect(lines[0]).toBe('-----BEGIN CERTIFICATE-----');
    expect(lines.at(-2)).toBe('-----END CERTIFICATE-----');
    expect(lines.at(-1)).toBe('');
    for (const l of lines.slice(1, -3)) expect(l).toHaveLength(64);
    expect(lines.at(-3)!.length).toBeLessThanOrEqual(64);
    expect(pem).not.toContain('\r');
  });

  it('round-trips through pemDecode for many sizes', () => {
    for (const n of [0, 1, 2, 3, 47, 48, 49, 95, 96, 97, 1000]) {
      const der = bytes(n);
      expect(pemDecode(pemEncode('X509 CRL', der))).toEqual([{ label: 'X509 CRL', der }]);
    }
  });

  it('refuses labels RFC 7468 does not allow', () => {
    for (const bad of ['', '-KEY', 'KEY-', 'TWO  SPACES', ' LEAD', 'NEW\nLINE']) {
      expect(pemError(() => pemEncode(bad, bytes(3))).code).toBe('BAD_LABEL');
    }
    expect(() => pemEncode('NEW CERTIFICATE REQUEST', bytes(3))).not.toThrow();
  });
});

describe('pemDecode', () => {
  const a = bytes(70, 1);
  const b = bytes(33, 2);

  it('finds every block with any label and ignores the text around them', () => {
    const text =
      'Bag Attributes\n    friendlyName: x\nsubject=CN = test\n' +
      pemEncode('CERTIFICATE', a) +
      '\nsome words between blocks\n\n' +
      pemEncode('PRIVATE KEY', b) +
      'trailing text';
    expect(pemDecode(text)).toEqual([
      { label: 'CERTIFICATE', der: a },
      { label: 'PRIVATE KEY', der: b },
    ]);
  });

  it('tolerates CRLF, CR, indentation, spaces and blank lines inside the base64', () => {
    const body = base64Encode(a);
    const text = `  -----BEGIN CERTIFICATE-----  \r\n${body.slice(0, 10)} ${body.slice(10, 50)}\r\n\r\n\t${body.slice(50)}\r\n-----END CERTIFICATE-----\r\n`;
    expect(pemDecode(text)).toEqual([{ label: 'CERTIFICATE', der: a }]);
    expect(pemDecode(pemEncode('CERTIFICATE', a).replace(/\n/g, '\r'))).toEqual([{ label: 'CERTIFICATE', der: a }]);
  });

  it('accepts bytes as well as strings', () => {
    const pem = new TextEncoder().encode(pemEncode('PUBLIC KEY', b));
    expect(pemDecode(pem)).toEqual([{ label: 'PUBLIC KEY', der: b }]);
  });

  it('reports RFC 1421 headers of legacy encrypted keys', () => {
    const body = base64Encode(a).replace(/(.{64})/g, '$1\n');
    const text =
      '-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,\n 0123456789ABCDEF0123456789ABCDEF\n\n' +
      body +
      '\n-----END RSA PRIVATE KEY-----\n';
    const [block] = pemDecode(text);
    expect(block.label).toBe('RSA PRIVATE KEY');
    expect(block.der).toEqual(a);
    expect(block.headers).toEqual({ 'Proc-Type': '4,ENCRYPTED', 'DEK-Info': 'AES-256-CBC,0123456789ABCDEF0123456789ABCDEF' });
    expect(isLegacyEncrypted(block)).toBe(true);
    expect(isLegacyEncrypted(pemDecode(pemEncode('RSA PRIVATE KEY', a))[0])).toBe(false);
  });

  it('returns nothing for text without blocks', () => {
    expect(pemDecode('')).toEqual([]);
    expect(pemDecode('hello\n-----END CERTIFICATE-----\n')).toEqual([]);
  });

  it('throws BAD_PEM for a missing END, a mismatched END, a nested BEGIN or bad base64', () => {
    const good = pemEncode('CERTIFICATE', a);
    expect(pemError(() => pemDecode(good.replace('-----END CERTIFICATE-----\n', ''))).message).toMatch(/no matching END/);
    expect(pemError(() => pemDecode(good.replace('END CERTIFICATE', 'END PRIVATE KEY'))).message).toMatch(/closed by/);
    expect(pemError(() => pemDecode(good.replace('-----END CERTIFICATE-----\n', '') + good)).code).toBe('BAD_PEM');
    expect(pemError(() => pemDecode(good.replace(/\n[A-Za-z]/, '\n!'))).message).toMatch(/invalid base64 character '!'/);
    expect(pemError(() => pemDecode('-----BEGIN X-----\nQUJDR\n-----END X-----\n')).code).toBe('BAD_PEM');
  });
});

describe('isPem', () => {
  it('tells PEM from DER and from other text', () => {
    const pem = pemEncode('CERTIFICATE', bytes(10));
    expect(isPem(pem)).toBe(true);
    expect(isPem(new TextEncoder().encode('subject=CN=x\n' + pem))).toBe(true);
    expect(isPem(Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x00))).toBe(false);
    expect(isPem('just some text -----BEGIN')).toBe(false);
    expect(isPem('')).toBe(false);
  });
});

describe('against the openssl CLI', () => {
  const openssl = findPeer('/usr/bin/openssl', 'openssl');
  const dir = mkdtempSync(join(tmpdir(), 'ssl3-pem-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.skipIf(!openssl)('reads the certificate openssl writes, byte for byte as its DER form', () => {
    const key = join(dir, 'k.pem');
    const cert = join(dir, 'c.pem');
    execFileSync(openssl!, ['req', '-x509', '-newkey', 'rsa:1024', '-nodes', '-keyout', key, '-out', cert, '-subj', '/CN=pem test', '-days', '1'], {
      stdio: 'ignore',
    });
    const derForm = new Uint8Array(execFileSync(openssl!, ['x509', '-in', cert, '-outform', 'DER']));
    const blocks = pemDecode(readFileSync(cert, 'latin1'));
    expect(blocks).toEqual([{ label: 'CERTIFICATE', der: derForm }]);
    // And what we write, openssl reads back to the same DER.
    const ours = join(dir, 'ours.pem');
    writeFileSync(ours, pemEncode('CERTIFICATE', derForm));
    expect(new Uint8Array(execFileSync(openssl!, ['x509', '-in', ours, '-outform', 'DER']))).toEqual(derForm);
  });
});
