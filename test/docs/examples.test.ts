/**
 * Every file in examples/ runs as a reader would run it, and says what docs/ says it says:
 * the TypeScript ones with tsx (which maps the package name to src/, as tsconfig.json's paths
 * do), the shell ones with bash and the `ssl3` command from src/. The examples that need an
 * outside program (openssl for the CA, scepserver, tshark) skip without it, or fail under
 * SSL3_REQUIRE_PEERS=1.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectExampleOutput, SELF_CONTAINED_EXAMPLES } from '../helpers/examples.js';
import { findPeer } from '../helpers/peers.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dirs.js';
import { freePort, run } from '../interop/nss-helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
/** The `ssl3` command the shell examples call (their SSL3 variable): the CLI from src/. */
const SSL3 = `${TSX} ${join(ROOT, 'src', 'cli', 'main.ts')}`;
const TIMEOUT_MS = 120_000;

afterAll(() => removeTempDirs());

const example = (name: string, ...args: string[]) => run(TSX, [join(ROOT, 'examples', name), ...args], { cwd: ROOT, timeoutMs: TIMEOUT_MS });

/** Runs the shell example NAME with bash, its output going to DIR under a new temporary directory, SSL3 from src/ and free ports PORT and PORT2. */
async function runScript(name: string, dir: string) {
  const out = join(tempDir(`example-${dir}`), dir);
  const env = { ...process.env, SSL3, PORT: String(await freePort()), PORT2: String(await freePort()) };
  return { dir: out, ...(await run('bash', [join(ROOT, 'examples', name), out], { cwd: ROOT, env, timeoutMs: TIMEOUT_MS })) };
}

// They are independent (own directories, free ports) and mostly wait on child processes: run them at once.
describe.concurrent('examples/', { timeout: 150_000 }, () => {
  describe('the TypeScript examples', () => {
    it.each(SELF_CONTAINED_EXAMPLES.map((name) => [name]))('%s.ts prints what the docs say', async (name) => {
      const r = await example(`${name}.ts`);
      expect(r.stderr).toBe('');
      expectExampleOutput(name, r.stdout);
    });
  });

  const openssl = findPeer('openssl', 'openssl');

  describe.skipIf(!openssl)('the revocation example (a CA made by openssl ca)', () => {
    it('make-ca.sh, then revocation.ts: alice is let in, mallory is refused as revoked', async () => {
      const { dir, ...made } = await runScript('make-ca.sh', 'demo-ca');
      expect(made.stderr).toBe('');
      expect(made.stdout).toBe(`made ${dir}: ca.pem, localhost.pem (server), alice.pem, mallory.pem (revoked), crl.pem\n`);
      const r = await example('revocation.ts', dir);
      expect(r.stderr).toBe('');
      const lines = r.stdout.trim().split('\n');
      expect(lines[0]).toBe('alice: welcome, alice');
      expect(lines).toContain('mallory: refused, ERR_SSL_PEER_ALERT: peer sent fatal alert certificate_revoked');
      expect(lines.some((l) => /^server refused a client: client certificate rejected: certificate 'mallory' .* was revoked on .*, reason keyCompromise/.test(l))).toBe(true);
    });
  });

  const scepserver = findPeer('scepserver', 'scep');

  describe.skipIf(!scepserver)('the SCEP example (micromdm scepserver)', () => {
    it('scep-enroll.sh: ssl3 enroll gets a certificate for a new key, and ssl3 x509 shows it', async () => {
      const { dir, ...r } = await runScript('scep-enroll.sh', 'enrolled');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/^CA certificate accepted: SHA-256 /m);
      expect(r.stdout).toMatch(/^wrote the certificate \(serial [0-9A-F]+, SHA-256 [0-9A-F:]+\) to device\.pem/m);
      expect(r.stdout).toContain('DNS:device.example, IP Address:127.0.0.1');
      expect(readFileSync(join(dir, 'ca.pem'), 'utf8')).toBe(readFileSync(join(dir, 'depot', 'ca.pem'), 'utf8'));
    });
  });

  describe('the protocol testers\' examples', () => {
    /** The check names of a table's PASS lines. */
    const names = (lines = '') => lines.trimEnd().split('\n').map((l) => l.split(/\s+/)[1]);

    it('check.sh: ssl3 serve passes the server checks it is given, ssl3 get the client checks, with JUnit XML for each', async () => {
      const { dir, ...r } = await runScript('check.sh', 'check');
      expect(r.code, r.stderr).toBe(0);
      const server = /^ssl3 check 127\.0\.0\.1:\d+: 5 checks of an SSL 3\.0 server\n((?:PASS .*\n)+)5 checks: 5 passed, 0 failed, 0 skipped$/m.exec(r.stdout);
      expect(names(server?.[1])).toEqual(['handshake-rc4-128-sha', 'handshake-rc4-128-md5', 'ccs-injection', 'finished-wrong', 'bleichenbacher']);
      const client = /^ssl3 check --listen 127\.0\.0\.1:\d+: 4 checks of an SSL 3\.0 client, one per connection; the clients must trust the test CA in ca\.pem\n((?:PASS .*\n)+)4 checks: 4 passed, 0 failed, 0 skipped$/m.exec(r.stdout);
      expect(names(client?.[1])).toEqual(['baseline', 'untrusted-certificate', 'ccs-early', 'bad-mac-data']);
      expect(readFileSync(join(dir, 'server.xml'), 'utf8')).toMatch(/<testsuites name="ssl3 check" tests="5" failures="0"/);
      expect(readFileSync(join(dir, 'client.xml'), 'utf8')).toMatch(/<testsuites name="ssl3 check" tests="4" failures="0"/);
    });

    it('probe.sh: the table of one server, and the fleet\'s suites in each server\'s order', async () => {
      const { dir, ...r } = await runScript('probe.sh', 'probe');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^ {2}suites \(server order\) rc4-128-sha, aes-128-cbc-sha, 3des-ede-cbc-sha$/m);
      expect(r.stdout).toMatch(/^ {2}weaknesses {12}POODLE: .*\n {24}RC4: .*\n {24}64-bit blocks: 3des-ede-cbc-sha \(SWEET32, CVE-2016-2183\)$/m);
      const lines = r.stdout.trimEnd().split('\n').slice(-2);
      expect(new Set(lines.map((l) => l.replace(/:\d+"/, ':PORT"')))).toEqual(new Set([
        '"target":"127.0.0.1:PORT" "suites":["rc4-128-sha","aes-128-cbc-sha","3des-ede-cbc-sha"]',
        '"target":"127.0.0.1:PORT" "suites":["aes-256-cbc-sha","rc4-128-md5"]',
      ]));
      expect(readFileSync(join(dir, 'fleet.jsonl'), 'utf8').trimEnd().split('\n')).toHaveLength(2);
    });
  });

  const tshark = findPeer('tshark', 'tshark');

  describe.skipIf(!tshark)('the Wireshark example (tshark)', () => {
    it('wireshark.sh: tshark decrypts the capture ssl3 get wrote, with its key log', async () => {
      const { dir, ...r } = await runScript('wireshark.sh', 'capture');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/ HTTP \d+ GET \/ HTTP\/1\.1/);
      expect(r.stdout).toMatch(/ HTTP \d+ HTTP\/1\.1 200 OK/);
      expect(r.stdout).toContain('0x0300\t200\ttext/html; charset=utf-8\n');
      expect(readFileSync(join(dir, 'keys.txt'), 'utf8')).toMatch(/^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}\n$/);
    });
  });
});
