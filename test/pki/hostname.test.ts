// Host name checks (RFC 6125 section 6.4, RFC 2818 section 3.1) as tables over hand-made
// Certificate values: only the subject and subjectAltName matter to checkHost.
import { describe, expect, it } from 'vitest';
import type { Certificate, NameAttribute } from '../../src/pki/certificate.js';
import { checkHost, dnsNameMatches, parseIpAddress } from '../../src/pki/hostname.js';
import { OID } from '../../src/pki/oid.js';

function cert(opts: { cn?: string[]; dns?: string[]; ip?: string[]; email?: string[] }): Certificate {
  const rdns: NameAttribute[][] = [[{ type: OID.organizationName, value: 'Example', tag: 0x0c }]];
  for (const cn of opts.cn ?? []) rdns.push([{ type: OID.commonName, value: cn, tag: 0x0c }]);
  const name = { rdns, raw: new Uint8Array(0) };
  const hasSan = opts.dns !== undefined || opts.ip !== undefined || opts.email !== undefined;
  return {
    raw: new Uint8Array(0),
    tbsRaw: new Uint8Array(0),
    version: 3,
    serialNumber: 1n,
    signatureAlgorithm: { oid: OID.sha256WithRSAEncryption, hash: 'sha256' },
    signature: new Uint8Array(0),
    issuer: name,
    subject: name,
    notBefore: new Date(0),
    notAfter: new Date(0),
    publicKey: { algorithmOid: OID.rsaEncryption, raw: new Uint8Array(0) },
    extensions: [],
    subjectAltName: hasSan ? { dns: opts.dns ?? [], ip: opts.ip ?? [], email: opts.email ?? [], uri: [] } : undefined,
  };
}

describe('dnsNameMatches (RFC 6125 6.4.1, 6.4.3)', () => {
  it.each([
    ['example.com', 'example.com', true],
    ['Example.COM', 'example.com', true],
    ['example.com', 'EXAMPLE.com', true],
    ['example.com.', 'example.com', true],
    ['example.com', 'example.com.', true],
    ['example.com', 'www.example.com', false],
    ['www.example.com', 'example.com', false],
    ['*.example.com', 'a.example.com', true],
    ['*.example.com', 'A.Example.Com.', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'a.b.example.com', false],
    ['*.example.com', '.example.com', false],
    ['*.com', 'example.com', false],
    ['*', 'localhost', false],
    ['*.', 'a.', false],
    ['f*.example.com', 'foo.example.com', false],
    ['*oo.example.com', 'foo.example.com', false],
    ['a.*.example.com', 'a.b.example.com', false],
    ['*.*.example.com', 'a.b.example.com', false],
    ['**.example.com', 'a.example.com', false],
    ['*.example..com', 'a.example..com', false],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example', true],
    ['XN--BCHER-KVA.example', 'xn--bcher-kva.example', true],
    ['xn--bcher-kva.example', 'bücher.example', true],
    ['*.xn--bcher-kva.example', 'www.bücher.example', true],
    ['bucher.example', 'bücher.example', false],
    ['', 'example.com', false],
  ])('%s vs %s -> %s', (pattern, host, want) => {
    expect(dnsNameMatches(pattern, host)).toBe(want);
  });
});

describe('parseIpAddress', () => {
  it.each([
    ['10.0.0.1', '0a000001'],
    ['255.255.255.255', 'ffffffff'],
    ['::1', '00000000000000000000000000000001'],
    ['0:0:0:0:0:0:0:1', '00000000000000000000000000000001'],
    ['[::1]', '00000000000000000000000000000001'],
    ['FE80::1%eth0', 'fe800000000000000000000000000001'],
    ['2001:db8::', '20010db8000000000000000000000000'],
    ['2001:DB8:0:0:1::1', '20010db8000000000001000000000001'],
    ['::ffff:10.0.0.1', '00000000000000000000ffff0a000001'],
    ['::', '00000000000000000000000000000000'],
  ])('%s', (s, hex) => {
    expect(Buffer.from(parseIpAddress(s)!).toString('hex')).toBe(hex);
  });

  it.each(['256.0.0.1', '1.2.3', '1.2.3.4.5', '010.0.0.1', 'example.com', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7::8', '12345::', ':1', 'g::1', ''])(
    'rejects %s',
    (s) => {
      expect(parseIpAddress(s)).toBeUndefined();
    },
  );
});

describe('checkHost', () => {
  const san = cert({ cn: ['cn.example'], dns: ['www.example.com', '*.api.example.com'], ip: ['10.0.0.1', '2001:db8::1'] });

  it.each([
    ['www.example.com', true],
    ['WWW.EXAMPLE.COM.', true],
    ['v1.api.example.com', true],
    ['api.example.com', false],
    ['x.v1.api.example.com', false],
    ['10.0.0.1', true],
    ['10.0.0.2', false],
    ['2001:db8::1', true],
    ['2001:0DB8:0:0:0:0:0:1', true],
    ['[2001:db8::1]', true],
    ['cn.example', false], // CN ignored: the certificate has SAN names
    ['example.com', false],
  ])('SAN certificate vs %s -> %s', (host, want) => {
    expect(checkHost(san, host).ok).toBe(want);
  });

  it('says what was expected and what the certificate has', () => {
    const r = checkHost(cert({ cn: ['ignored.example'], dns: ['b.example'], ip: ['10.0.0.1'] }), 'a.example');
    expect(r).toEqual({
      ok: false,
      reason:
        "host 'a.example' does not match the certificate's names: DNS:b.example, IP:10.0.0.1 (its common name is not used because it has subjectAltName names)",
    });
    const r2 = checkHost(cert({ cn: ['device'] }), '192.168.1.1');
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect(r2.reason).toBe("IP address '192.168.1.1' does not match the certificate's names: CN:device");
    const r3 = checkHost(cert({}), 'x.example');
    if (r3.ok) throw new Error('expected a failure');
    expect(r3.reason).toMatch(/no DNS names, IP addresses or common name/);
  });

  it('IP literals match only iPAddress entries, never dNSName entries or wildcards', () => {
    expect(checkHost(cert({ dns: ['10.0.0.1'] }), '10.0.0.1').ok).toBe(false);
    expect(checkHost(cert({ dns: ['*.0.0.1'] }), '10.0.0.1').ok).toBe(false);
    expect(checkHost(cert({ ip: ['::1'] }), '0:0:0:0:0:0:0:1').ok).toBe(true);
    expect(checkHost(cert({ ip: ['0:0:0:0:0:0:0:1'] }), '::1').ok).toBe(true);
    // IPv4 and its IPv4-mapped IPv6 form are different identities (different address families).
    expect(checkHost(cert({ ip: ['10.0.0.1'] }), '::ffff:10.0.0.1').ok).toBe(false);
    // A DNS name is never compared with an iPAddress entry.
    expect(checkHost(cert({ ip: ['10.0.0.1'] }), 'ten.example').ok).toBe(false);
  });

  it('falls back to the CN only when there are no SAN DNS or IP entries', () => {
    expect(checkHost(cert({ cn: ['device.example'] }), 'device.example').ok).toBe(true);
    expect(checkHost(cert({ cn: ['Device.Example.'] }), 'device.example').ok).toBe(true);
    expect(checkHost(cert({ cn: ['*.example.com'] }), 'a.example.com').ok).toBe(true);
    // A SAN with only an email address leaves the CN in use.
    expect(checkHost(cert({ cn: ['device.example'], email: ['ops@example.com'] }), 'device.example').ok).toBe(true);
    // Any SAN DNS or IP entry switches the CN off.
    expect(checkHost(cert({ cn: ['device.example'], dns: ['other.example'] }), 'device.example').ok).toBe(false);
    expect(checkHost(cert({ cn: ['device.example'], ip: ['10.0.0.1'] }), 'device.example').ok).toBe(false);
    // Several CNs: any of them.
    expect(checkHost(cert({ cn: ['a.example', 'b.example'] }), 'b.example').ok).toBe(true);
  });

  it('legacy devices: an IP address in the CN matches that IP literal when there is no SAN', () => {
    expect(checkHost(cert({ cn: ['192.168.1.1'] }), '192.168.1.1').ok).toBe(true);
    expect(checkHost(cert({ cn: ['fe80::1'] }), '[FE80:0:0:0:0:0:0:1]').ok).toBe(true);
    expect(checkHost(cert({ cn: ['192.168.1.1'] }), '192.168.1.2').ok).toBe(false);
    // ...but not when a SAN exists, and a wildcard CN never covers an IP.
    expect(checkHost(cert({ cn: ['192.168.1.1'], dns: ['x.example'] }), '192.168.1.1').ok).toBe(false);
    expect(checkHost(cert({ cn: ['*.168.1.1'] }), '192.168.1.1').ok).toBe(false);
    // An IP in the CN is not a DNS name: '192.168.1.1.' (trailing dot) is a DNS name, not an IP.
    expect(checkHost(cert({ cn: ['192.168.1.1'] }), '192.168.1.1.').ok).toBe(false);
  });

  it('rejects an empty host', () => {
    expect(checkHost(san, '').ok).toBe(false);
    expect(checkHost(san, '.').ok).toBe(false);
  });
});
