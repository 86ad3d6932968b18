/**
 * A RunningConfig with every field away from its default, set on the model directly, for the
 * tests of what is written and shown from it (render.test.ts, show.test.ts,
 * running-config-fixtures.test.ts).
 */
import { defaultConfig, type RunningConfig } from '../../src/config/model.js';
import { parseAccessEntry } from '../../src/http/access-list.js';

export function fullModel(): RunningConfig {
  const c: RunningConfig = defaultConfig();
  c.hostname = 'R1';
  c.domainName = 'example.com';
  c.enableSecret = { type: 5, hash: '$1$mERr$hx5rVt7rPNoS4wqbXKX7m0' };
  c.enablePassword = { type: 0, text: 'letmein' };
  c.users.set('admin', { name: 'admin', privilege: 15, password: { type: 5, hash: '$1$3azH$g.FwBRIVuhjSpuE0HH2Nw1' } });
  c.users.set('guest', { name: 'guest', privilege: 1, password: { type: 0, text: 'guest pass' } });
  c.users.set('ops', { name: 'ops', privilege: 0, password: { type: 0, text: 'o' } });
  c.trustpoints.set('CA-trust-local', {
    name: 'CA-trust-local',
    enrollmentUrl: 'http://example.com',
    httpProxy: { host: 'proxy.example.com', port: 8080 },
    crlQuery: 'ldap://example.com',
    crlMode: 'best-effort',
    primary: true,
  });
  c.trustpoints.set('TP2', { name: 'TP2', crlMode: 'optional', primary: false });
  c.http.server = true;
  c.http.port = 8080;
  c.http.authentication = 'local';
  c.http.accessClass = 20;
  c.http.path = 'slot1:';
  c.http.maxConnections = 10;
  c.http.timeout = { idle: 30, life: 120, requests: 100 };
  c.http.secureServer = true;
  c.http.securePort = 1025;
  c.http.secureCiphersuites = ['rc4-128-sha', 'rc4-128-md5'];
  c.http.secureClientAuth = true;
  c.http.secureTrustpoint = 'CA-trust-local';
  c.http.clientSecureTrustpoint = 'TP2';
  c.http.clientSecureCiphersuites = ['des-cbc-sha', '3des-ede-cbc-sha'];
  // Created out of order: IOS lists them by number.
  c.accessLists.set(1300, [parseAccessEntry('deny any')]);
  c.accessLists.set(20, [parseAccessEntry('permit 10.0.0.0 0.0.0.255'), parseAccessEntry('permit host 192.168.1.5'), parseAccessEntry('deny any')]);
  return c;
}
