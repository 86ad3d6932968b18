/**
 * The CRL fetcher (src/http/crl-fetch.ts) without a directory server: http:// answers and
 * failures (status, size limit, time limit, refused), RFC 4516 ldap:// URL parsing, and the
 * schemes it refuses. Fetching from a real slapd is in test/interop/crl.test.ts.
 */
import { once } from 'node:events';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crlFetcher, parseLdapUrl } from '../../src/http/crl-fetch.js';
import type { DistinguishedName } from '../../src/pki/certificate.js';

const context = { issuer: { rdns: [], raw: Uint8Array.of(0x30, 0) } as DistinguishedName };

describe('CRL fetching over http://', () => {
  let server: http.Server;
  let base: string;
  const sockets = new Set<import('node:net').Socket>();

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/ok.crl') return void res.end(Buffer.from('-----BEGIN X509 CRL-----\nAA==\n-----END X509 CRL-----\n'));
      if (req.url === '/big.crl') return void res.end(Buffer.alloc(5000));
      if (req.url === '/slow.crl') return; // never answers
      if (req.url === '/moved.crl') return void res.writeHead(302, { location: '/ok.crl' }).end();
      res.writeHead(404, 'Not Found').end();
    });
    server.on('connection', (s) => {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });

  const fetch = crlFetcher({ timeoutMs: 300, maxBytes: 1000 });

  it('returns the body as bytes', async () => {
    expect(new TextDecoder().decode(await fetch(`${base}/ok.crl`, context))).toMatch(/^-----BEGIN X509 CRL-----/);
  });

  it('names what went wrong: a status, a redirect (not followed), a size, a time, a refused connection', async () => {
    await expect(fetch(`${base}/missing.crl`, context)).rejects.toThrow('HTTP 404');
    await expect(fetch(`${base}/moved.crl`, context)).rejects.toThrow(/^HTTP 302/);
    await expect(fetch(`${base}/big.crl`, context)).rejects.toThrow(/sent (more than the 1000 bytes allowed|\d+ bytes, more than the 1000 allowed)/);
    await expect(fetch(`${base}/slow.crl`, context)).rejects.toThrow(/did not answer within 300 ms$/);
    const closed = http.createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(fetch(`http://127.0.0.1:${port}/ca.crl`, context)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('refuses other schemes and non-URLs', async () => {
    await expect(fetch('https://127.0.0.1/ca.crl', context)).rejects.toThrow('CRLs are fetched over http:// or ldap://, not https://');
    await expect(fetch('ca.crl', context)).rejects.toThrow("not a URL: 'ca.crl'");
  });
});

describe('ldap:// URLs (RFC 4516)', () => {
  it('a bare host: no DN (the issuer name is used), the CRL attributes, base scope', () => {
    expect(parseLdapUrl(new URL('ldap://127.0.0.1:3890'))).toEqual({
      server: 'ldap://127.0.0.1:3890',
      dn: '',
      attributes: ['certificateRevocationList;binary', 'certificateRevocationList'],
      scope: 'base',
      filter: '(objectClass=*)',
    });
  });

  it('a DN with escapes, an attribute, a scope and a filter', () => {
    const t = parseLdapUrl(new URL('ldap://ldap.test/cn=Test%20CA,o=Acme%2C%20Inc.?certificateRevocationList;binary?one?(cn=x)'));
    expect(t).toEqual({ server: 'ldap://ldap.test', dn: 'cn=Test CA,o=Acme, Inc.', attributes: ['certificateRevocationList;binary'], scope: 'one', filter: '(cn=x)' });
  });

  it('refuses a bad scope and a critical extension', () => {
    expect(() => parseLdapUrl(new URL('ldap://h/o=x??tree'))).toThrow("ldap URL scope 'tree' (base, one or sub)");
    expect(() => parseLdapUrl(new URL('ldap://h/o=x????!bindname=cn=x'))).toThrow(/critical extension/);
  });
});
