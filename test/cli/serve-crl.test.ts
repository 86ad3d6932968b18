/**
 * `ssl3 serve --crl FILE|URL --crl-mode M`: each bad value is refused with one line naming
 * it, before anything starts or is created. (The flags at work, against NSS tstclnt and a
 * real slapd, are in test/interop/crl.test.ts.)
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstErrorLine } from '../helpers/cli.js';
import { findPeer } from '../helpers/peers.js';
import { OpensslCa } from '../helpers/openssl-ca.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dirs.js';

const openssl = findPeer('openssl', 'openssl');

describe.skipIf(!openssl)('ssl3 serve --crl and --crl-mode: flag errors', () => {
  let ca: OpensslCa;
  let dir: string;
  const files = {} as Record<'crl' | 'other' | 'tampered', string>;

  beforeAll(() => {
    ca = new OpensslCa(openssl!);
    dir = tempDir('serve-crl');
    files.crl = ca.gencrl().pemFile;
    files.other = new OpensslCa(openssl!, { cn: 'Other CA' }).gencrl().pemFile;
    const tampered = Uint8Array.from(ca.gencrl().der);
    tampered[tampered.length - 1] ^= 1;
    files.tampered = join(dir, 'tampered.der');
    writeFileSync(files.tampered, tampered);
  });
  afterAll(() => removeTempDirs());

  const serve = (...args: string[]) => firstErrorLine('serve', ['--data-dir', join(dir, 'data'), ...args]);
  const auth = () => ['--client-auth', '--ca', ca.certFile];

  it('needs --client-auth', async () => {
    expect(await serve('--crl', files.crl)).toEqual([2, 'ssl3 serve: --crl checks client certificates: it needs --client-auth --ca FILE']);
    expect(await serve('--crl-mode', 'optional')).toEqual([2, 'ssl3 serve: --crl-mode checks client certificates: it needs --client-auth --ca FILE']);
  });

  it('names a bad mode', async () => {
    expect(await serve(...auth(), '--crl-mode', 'sometimes')).toEqual([2, "ssl3 serve: --crl-mode must be required, optional, best-effort, got 'sometimes'"]);
  });

  it('names a bad URL', async () => {
    expect(await serve(...auth(), '--crl', 'ftp://127.0.0.1/ca.crl')).toEqual([2, 'ssl3 serve: --crl: CRLs are fetched over http:// or ldap://, not ftp://']);
    expect(await serve(...auth(), '--crl', 'ldap://127.0.0.1/o=x??tree')).toEqual([2, "ssl3 serve: --crl: ldap URL scope 'tree' (base, one or sub)"]);
  });

  it('names a file that is missing, not a CRL, from another CA, or badly signed', async () => {
    expect(await serve(...auth(), '--crl', join(dir, 'none.crl'))).toEqual([1, `ssl3 serve: --crl ${join(dir, 'none.crl')}: no such file`]);
    expect(await serve(...auth(), '--crl', ca.certFile)).toEqual([2, `ssl3 serve: --crl ${ca.certFile}: no X509 CRL block in the PEM data (found CERTIFICATE)`]);
    expect(await serve(...auth(), '--crl', files.other)).toEqual([2, `ssl3 serve: --crl ${files.other}: the CRL of 'Other CA' is not from a --ca certificate`]);
    expect(await serve(...auth(), '--crl', files.tampered)).toEqual([
      2,
      `ssl3 serve: --crl ${files.tampered}: the signature of the CRL of 'Test CRL CA' does not verify with the key of its issuer 'Test CRL CA'`,
    ]);
    // Refused before anything was made: no self-signed identity in the data directory.
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });
});
