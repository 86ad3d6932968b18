/**
 * What the running configuration means for the servers (src/config/effective.ts), without a
 * socket: suites in preference order, the access class, who may log in, client certificates.
 */
import { describe, expect, it } from 'vitest';
import { accessListOf, authenticationOf, clientAuthOf, decoySecret, serverSuites } from '../../src/config/effective.js';
import { defaultConfig, emptyKeyRing } from '../../src/config/model.js';
import { parseAccessEntry } from '../../src/http/access-list.js';
import { selfSignedCertificate } from '../../src/pki/selfsign.js';
import { nodeRsaKey } from '../helpers/keys.js';

const CISCO_SECRET = { type: 5, hash: '$1$mERr$hx5rVt7rPNoS4wqbXKX7m0' } as const;

describe('serverSuites', () => {
  it('is the four IOS suites when not configured, strongest first', () => {
    expect(serverSuites(defaultConfig().http).map((s) => s.iosKeyword)).toEqual(['3des-ede-cbc-sha', 'rc4-128-sha', 'rc4-128-md5', 'des-cbc-sha']);
  });

  it('keeps the table order whatever order the keywords were typed in', () => {
    const http = { ...defaultConfig().http, secureCiphersuites: ['rc4-128-md5', 'des-cbc-sha', 'rc4-128-sha'] };
    expect(serverSuites(http).map((s) => s.iosKeyword)).toEqual(['rc4-128-sha', 'rc4-128-md5', 'des-cbc-sha']);
  });
});

describe('accessListOf', () => {
  it('is no list without an access class, and none for a class naming a missing list (IOS permits all)', () => {
    const config = defaultConfig();
    expect(accessListOf(config)).toBeUndefined();
    config.http.accessClass = 5;
    expect(accessListOf(config)).toBeUndefined();
    const entries = [parseAccessEntry('permit host 10.0.0.1')];
    config.accessLists.set(5, entries);
    expect(accessListOf(config)).toEqual(entries);
  });
});

describe('authenticationOf', () => {
  const check = (auth: ReturnType<typeof authenticationOf>, user: string, password: string) => {
    if (!auth || !('verify' in auth)) throw new Error('expected a verifier');
    return auth.verify(user, password);
  };

  it('enable: none without an enable secret or password; the secret, for any user; the secret wins over the password', () => {
    const config = defaultConfig();
    expect(authenticationOf(config, decoySecret())).toBeUndefined();
    config.enablePassword = { type: 0, text: 'pw' };
    expect(check(authenticationOf(config, decoySecret()), 'anyone', 'pw')).toBe(true);
    config.enableSecret = CISCO_SECRET;
    const auth = authenticationOf(config, decoySecret());
    expect(check(auth, 'anyone', 'cisco')).toBe(true);
    expect(check(auth, 'anyone', 'pw')).toBe(false);
  });

  it('local: each user with their own password; unknown users and no users: nobody', () => {
    const config = defaultConfig();
    config.http.authentication = 'local';
    const decoy = decoySecret();
    expect(check(authenticationOf(config, decoy), 'admin', '')).toBe(false);
    config.users.set('admin', { name: 'admin', privilege: 15, password: CISCO_SECRET });
    const auth = authenticationOf(config, decoy);
    // A later change does not reach a verifier already made (the next apply makes a new one).
    config.users.delete('admin');
    expect(check(auth, 'admin', 'cisco')).toBe(true);
    expect(check(auth, 'admin', 'wrong')).toBe(false);
    expect(check(auth, 'other', 'cisco')).toBe(false);
  });
});

describe('clientAuthOf', () => {
  const key = nodeRsaKey(1024);
  const ca = selfSignedCertificate({ key, hostname: 'ca.test', days: 10 });

  it('is off unless configured', () => {
    expect(clientAuthOf(defaultConfig(), emptyKeyRing())).toEqual({ requestCert: false, requireCert: false, ca: [] });
  });

  it('requires a certificate from the CA certificates of the secure trustpoint, and warns (still requiring) without one', () => {
    const config = defaultConfig();
    config.http.secureClientAuth = true;
    const keys = emptyKeyRing();
    expect(clientAuthOf(config, keys)).toMatchObject({ requestCert: true, requireCert: true, ca: [], warning: expect.stringContaining('no ip http secure-trustpoint') });
    config.http.secureTrustpoint = 'TP';
    keys.certificates.push({ trustpoint: 'OTHER', usage: 'ca', certificate: ca });
    expect(clientAuthOf(config, keys)).toMatchObject({ requireCert: true, ca: [], warning: expect.stringContaining('trustpoint TP has no CA certificate') });
    keys.certificates.push({ trustpoint: 'TP', usage: 'ca', certificate: ca });
    const settings = clientAuthOf(config, keys);
    expect(settings.ca).toEqual([ca]);
    expect(settings.warning).toBeUndefined();
  });
});
