// The IOS show commands (src/config/show.ts): the status blocks against the feature guide's
// "Configuration Examples", the running/startup-config headers, and the key and certificate
// listings checked against node:crypto's SubjectPublicKeyInfo and certificates we build.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defaultConfig, emptyKeyRing, type KeyRing } from '../../src/config/model.js';
import { renderConfig, showRunningConfig } from '../../src/config/render.js';
import {
  displaySuites,
  formatIosTime,
  showCryptoCaCertificates,
  showCryptoCaCrls,
  showCryptoKeyMypubkeyRsa,
  showHttpClientSecureStatus,
  showHttpServerSecureStatus,
  showHttpServerStatus,
  showStartupConfig,
} from '../../src/config/show.js';
import { privateKeyToPem } from '../../src/pki/keys.js';
import type { RsaPrivateKey } from '../../src/pki/rsa-key.js';
import { selfSignedCertificate } from '../../src/pki/selfsign.js';
import { buildCertificate } from '../../src/pki/x509-build.js';
import { nodeRsaKey, seededRandom } from '../helpers/keys.js';
import type { CrlListing } from '../../src/pki/crl-cache.js';
import { outputBlock } from '../fixtures/guide-sessions.js';
import { fullModel } from './full-model.js';

// The guide's blocks (with docs/ios-configuration.md's defaults: see the fixture), character for character.
const DEFAULT_STATUS = outputBlock('HTTP server status:');
const GUIDE_SECURE_STATUS = outputBlock('HTTP secure server status: Enabled');

describe('show ip http server status', () => {
  it('defaults', () => {
    expect(showHttpServerStatus(defaultConfig())).toBe(DEFAULT_STATUS);
  });

  it('a configured server', () => {
    expect(showHttpServerStatus(fullModel())).toBe(`HTTP server status: Enabled
HTTP server port: 8080
HTTP server authentication method: local
HTTP server access class: 20
HTTP server base path: slot1:
Maximum number of concurrent server connections allowed: 10
Server idle time-out: 30 seconds
Server life time-out: 120 seconds
Maximum number of requests allowed on a connection: 100
HTTP secure server capability: Present
HTTP secure server status: Enabled
HTTP secure server port: 1025
HTTP secure server ciphersuite: rc4-128-md5 rc4-128-sha
HTTP secure server client authentication: Enabled
HTTP secure server trustpoint: CA-trust-local
`);
  });

  it('no line ends with a space', () => {
    for (const text of [showHttpServerStatus(defaultConfig()), showHttpClientSecureStatus(defaultConfig())]) {
      expect(text).not.toMatch(/ \n/);
    }
  });
});

describe('show ip http server secure status', () => {
  it('defaults: the last five lines of the full status', () => {
    expect(showHttpServerSecureStatus(defaultConfig())).toBe(DEFAULT_STATUS.split('\n').slice(10).join('\n'));
  });

  it("equals the guide's example after its session", () => {
    const c = defaultConfig();
    c.http.secureServer = true;
    c.http.securePort = 1025;
    c.http.secureCiphersuites = ['rc4-128-sha', 'rc4-128-md5'];
    c.http.secureTrustpoint = 'CA-trust-local';
    expect(showHttpServerSecureStatus(c)).toBe(GUIDE_SECURE_STATUS);
    expect(showHttpServerStatus(c).endsWith(GUIDE_SECURE_STATUS)).toBe(true);
  });
});

describe('show ip http client secure status', () => {
  it('defaults', () => {
    expect(showHttpClientSecureStatus(defaultConfig())).toBe('HTTP secure client ciphersuite: 3des-ede-cbc-sha des-cbc-sha rc4-128-md5 rc4-128-sha\nHTTP secure client trustpoint:\n');
  });

  it('configured', () => {
    const c = defaultConfig();
    c.http.clientSecureTrustpoint = 'CA-trust-local';
    c.http.clientSecureCiphersuites = ['rc4-128-sha', 'rc4-128-md5'];
    expect(showHttpClientSecureStatus(c)).toBe('HTTP secure client ciphersuite: rc4-128-md5 rc4-128-sha\nHTTP secure client trustpoint: CA-trust-local\n');
  });
});

describe('show running-config / startup-config', () => {
  it('running-config: header, byte count of the text, the text', () => {
    const c = fullModel();
    c.hostname = 'Rü';
    const text = renderConfig(c);
    const bytes = Buffer.byteLength(text, 'utf8');
    expect(bytes).toBe(text.length + 1);
    expect(showRunningConfig(c)).toBe(`Building configuration...\n\nCurrent configuration : ${bytes} bytes\n${text}`);
  });

  it('running-config of the defaults', () => {
    expect(showRunningConfig(defaultConfig())).toBe(
      'Building configuration...\n\nCurrent configuration : 69 bytes\n!\nhostname Router\n!\nno ip http server\nno ip http secure-server\n!\nend\n',
    );
  });

  it('startup-config', () => {
    const text = renderConfig(defaultConfig());
    expect(showStartupConfig(text)).toBe(`Using 69 out of 262144 bytes\n${text}`);
    expect(showStartupConfig(undefined)).toBe('startup-config is not present\n');
    expect(showStartupConfig('end')).toBe('Using 3 out of 262144 bytes\nend\n');
  });
});

describe('displaySuites', () => {
  it('is the same function the running-config uses', () => {
    expect(displaySuites(['rc4-128-sha', 'rc4-128-md5'])).toEqual(['rc4-128-md5', 'rc4-128-sha']);
  });
});

describe('formatIosTime', () => {
  it('UTC, the day not padded', () => {
    expect(formatIosTime(new Date('2026-11-28T16:37:43Z'))).toBe('16:37:43 UTC Nov 28 2026');
    expect(formatIosTime(new Date('2027-01-05T03:04:05.999Z'))).toBe('03:04:05 UTC Jan 5 2027');
  });
});

/** node:crypto's DER SubjectPublicKeyInfo of our key: an independent encoder to compare with. */
function nodeSpkiHex(key: RsaPrivateKey): string {
  return createPublicKey(createPrivateKey(privateKeyToPem(key))).export({ type: 'spki', format: 'der' }).toString('hex').toUpperCase();
}

describe('show crypto key mypubkey rsa', () => {
  const general = nodeRsaKey(1024);
  const signature = nodeRsaKey(512);

  it('nothing without keys', () => {
    expect(showCryptoKeyMypubkeyRsa(emptyKeyRing())).toBe('');
  });

  it("IOS's layout; the key data is the DER SubjectPublicKeyInfo node:crypto exports", () => {
    const ring: KeyRing = {
      keys: [
        { name: 'Router.example.com', usage: 'general', key: general, generatedAt: new Date('2026-11-28T16:37:43Z') },
        { name: 'Router.example.com', usage: 'signature', key: signature, generatedAt: new Date('2026-11-28T16:38:01Z') },
      ],
      certificates: [],
    };
    const text = showCryptoKeyMypubkeyRsa(ring);
    const lines = text.split('\n');
    expect(text.endsWith('\n')).toBe(true);
    expect(lines.slice(0, 6)).toEqual([
      '% Key pair was generated at: 16:37:43 UTC Nov 28 2026',
      'Key name: Router.example.com',
      ' Storage Device: not specified',
      ' Usage: General Purpose Key',
      ' Key is not exportable.',
      ' Key Data:',
    ]);
    // 1024-bit SPKI: 162 bytes = 324 hex digits: 5 full lines of 64, then one group of 4 (the end of e = 010001).
    const generalHex = nodeSpkiHex(general);
    expect(generalHex.length).toBe(324);
    expect(lines[6]).toBe('  30819F30 0D06092A 864886F7 0D010101 05000381 8D003081 89028181 00' + generalHex.slice(58, 64));
    const dataLines = lines.slice(6, lines.indexOf('% Key pair was generated at: 16:38:01 UTC Nov 28 2026'));
    expect(dataLines).toHaveLength(6);
    for (const l of dataLines.slice(0, -1)) expect(l).toMatch(/^ {2}(?:[0-9A-F]{8} ){7}[0-9A-F]{8}$/);
    expect(dataLines[5]).toBe('  0001');
    expect(dataLines.map((l) => l.trim().replace(/ /g, '')).join('')).toBe(generalHex);

    const second = lines.slice(6 + dataLines.length);
    expect(second.slice(0, 6)).toEqual([
      '% Key pair was generated at: 16:38:01 UTC Nov 28 2026',
      'Key name: Router.example.com',
      ' Storage Device: not specified',
      ' Usage: Signature Key',
      ' Key is not exportable.',
      ' Key Data:',
    ]);
    const sigData = second.slice(6, -1);
    expect(second[second.length - 1]).toBe('');
    expect(sigData.map((l) => l.trim().replace(/ /g, '')).join('')).toBe(nodeSpkiHex(signature));
  });

  it('encryption keys', () => {
    const text = showCryptoKeyMypubkeyRsa({ keys: [{ name: 'R', usage: 'encryption', key: signature, generatedAt: new Date(0) }], certificates: [] });
    expect(text).toContain('\n Usage: Encryption Key\n');
    expect(text.startsWith('% Key pair was generated at: 00:00:00 UTC Jan 1 1970\n')).toBe(true);
  });
});

describe('show crypto ca certificates', () => {
  const deviceKey = nodeRsaKey(1024);
  const caKey = nodeRsaKey(1024);
  const now = new Date('2026-11-28T16:37:43Z');
  const selfSigned = selfSignedCertificate({ key: deviceKey, hostname: 'Router.example.com', now, serialNumber: 1n, random: seededRandom('ss') });
  const ca = buildCertificate({
    subject: [
      ['C', 'US'],
      ['O', 'Example Org'],
      ['OU', 'PKI'],
      ['CN', 'Example Root CA'],
    ],
    notBefore: new Date('2025-01-02T00:00:00Z'),
    notAfter: new Date('2035-01-02T00:00:00Z'),
    publicKey: caKey,
    signingKey: caKey,
    ca: true,
    serialNumber: 0x1a2b3c4d5e6f77n,
    random: seededRandom('ca'),
  });
  const device = buildCertificate({
    subject: [
      ['unstructuredName', 'Router.example.com'],
      ['CN', 'Router.example.com'],
    ],
    issuerCertificate: ca,
    notBefore: new Date('2026-11-28T17:00:00Z'),
    notAfter: new Date('2027-11-28T17:00:00Z'),
    publicKey: deviceKey,
    signingKey: caKey,
    serialNumber: 0xabcn,
    random: seededRandom('dev'),
  });

  it('nothing without certificates', () => {
    expect(showCryptoCaCertificates(emptyKeyRing())).toBe('');
  });

  it('a self-signed device certificate, as IOS shows it', () => {
    expect(selfSigned.notBefore.toISOString()).toBe('2026-11-27T16:37:43.000Z');
    expect(selfSigned.notAfter.toISOString()).toBe('2036-11-25T16:37:43.000Z');
    const ring: KeyRing = { keys: [], certificates: [{ trustpoint: 'TP-self-signed-1234567890', usage: 'general', certificate: selfSigned }] };
    expect(showCryptoCaCertificates(ring)).toBe(`Router Self-Signed Certificate
  Status: Available
  Certificate Serial Number (hex): 01
  Certificate Usage: General Purpose
  Issuer:
    cn=Router.example.com
  Subject:
    Name: Router.example.com
    cn=Router.example.com
  Validity Date:
    start date: 16:37:43 UTC Nov 27 2026
    end   date: 16:37:43 UTC Nov 25 2036
  Associated Trustpoints: TP-self-signed-1234567890
`);
  });

  it('a CA-signed device certificate and the CA certificate shared by two trustpoints', () => {
    const ring: KeyRing = {
      keys: [],
      certificates: [
        { trustpoint: 'CA-trust-local', usage: 'encryption', certificate: device },
        { trustpoint: 'CA-trust-local', usage: 'ca', certificate: ca },
        { trustpoint: 'TP2', usage: 'ca', certificate: ca },
      ],
    };
    expect(showCryptoCaCertificates(ring)).toBe(`Certificate
  Status: Available
  Certificate Serial Number (hex): 0ABC
  Certificate Usage: Encryption
  Issuer:
    cn=Example Root CA
    ou=PKI
    o=Example Org
    c=US
  Subject:
    Name: Router.example.com
    cn=Router.example.com
    hostname=Router.example.com
  Validity Date:
    start date: 17:00:00 UTC Nov 28 2026
    end   date: 17:00:00 UTC Nov 28 2027
  Associated Trustpoints: CA-trust-local

CA Certificate
  Status: Available
  Certificate Serial Number (hex): 1A2B3C4D5E6F77
  Certificate Usage: Signature
  Issuer:
    cn=Example Root CA
    ou=PKI
    o=Example Org
    c=US
  Subject:
    Name: Example Root CA
    cn=Example Root CA
    ou=PKI
    o=Example Org
    c=US
  Validity Date:
    start date: 00:00:00 UTC Jan 2 2025
    end   date: 00:00:00 UTC Jan 2 2035
  Associated Trustpoints: CA-trust-local TP2
`);
  });

  it('signature-usage device certificates', () => {
    const text = showCryptoCaCertificates({ keys: [], certificates: [{ trustpoint: 'T', usage: 'signature', certificate: device }] });
    expect(text).toContain('\n  Certificate Usage: Signature\n');
    expect(text.startsWith('Certificate\n')).toBe(true);
  });
});

describe('show crypto ca crls', () => {
  const key = nodeRsaKey(512);
  const issuer = buildCertificate({
    subject: [
      ['C', 'US'],
      ['O', 'Example Org'],
      ['CN', 'Example Root CA'],
    ],
    notBefore: new Date('2025-01-02T00:00:00Z'),
    notAfter: new Date('2035-01-02T00:00:00Z'),
    publicKey: key,
    signingKey: key,
    ca: true,
  }).subject;
  const listing = (source: string, derLength: number): CrlListing => ({
    issuer: 'C=US, O=Example Org, CN=Example Root CA',
    issuerName: issuer,
    source,
    thisUpdate: new Date('2026-11-28T16:37:43Z'),
    nextUpdate: new Date('2026-12-05T16:37:43Z'),
    revoked: 2,
    derLength,
  });

  it('nothing when the device holds no CRL', () => {
    expect(showCryptoCaCrls([])).toBe('');
  });

  it("IOS's layout: the issuer on one line, most specific first, the update times, where it was retrieved, its DER size", () => {
    expect(showCryptoCaCrls([listing('http://ca.example.com/ca.crl', 483), listing('ldap://ldap.example.com', 512)])).toBe(
      [
        'CRL Issuer Name:',
        '    cn=Example Root CA,o=Example Org,c=US',
        '    LastUpdate: 16:37:43 UTC Nov 28 2026',
        '    NextUpdate: 16:37:43 UTC Dec 5 2026',
        '    Retrieved from CRL Distribution Point:',
        '      http://ca.example.com/ca.crl',
        '    CRL DER is 483 bytes',
        '    CRL is stored in parsed CRL cache',
        '',
        'CRL Issuer Name:',
        '    cn=Example Root CA,o=Example Org,c=US',
        '    LastUpdate: 16:37:43 UTC Nov 28 2026',
        '    NextUpdate: 16:37:43 UTC Dec 5 2026',
        '    Retrieved from CRL Distribution Point:',
        '      ldap://ldap.example.com',
        '    CRL DER is 512 bytes',
        '    CRL is stored in parsed CRL cache',
        '',
      ].join('\n'),
    );
  });

  it('a CRL given as a file says it was not retrieved', () => {
    expect(showCryptoCaCrls([listing('configured', 100)])).toContain('    Retrieved from CRL Distribution Point:\n      ** CDP Not Published - Configured CRL file\n');
  });
});
