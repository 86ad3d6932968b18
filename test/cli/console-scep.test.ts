/**
 * The feature guide's trustpoint steps (12 and 13) as automation runs them: `ssl3 console` with
 * a script on standard input answering every question, against a real SCEP CA (micromdm
 * scepserver). The transcript shows each question with its answer echoed, never the challenge
 * password; the certificate is saved and the next console lists it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { capture } from '../helpers/cli.js';
import { scepserverPath, startScepServer, type RunningCa } from '../helpers/scep-ca.js';
import { freePort } from '../interop/nss-helpers.js';

const scepserver = scepserverPath();
const dir = mkdtempSync(join(tmpdir(), 'ssl3-console-scep-'));

async function consoleRun(lines: string[]): Promise<string> {
  const io = Object.assign(capture(), { stdin: Readable.from(lines.map((l) => `${l}\n`)) });
  expect(await main(['console', '--data-dir', dir, '--bind', '127.0.0.1'], io)).toBe(0);
  return io.out;
}

describe.skipIf(!scepserver)('ssl3 console: crypto ca authenticate and enrollment from a script', () => {
  let ca: RunningCa;
  beforeAll(async () => {
    ca = await startScepServer(scepserver!, 'S3cret-pw', await freePort());
  }, 60_000);
  afterAll(async () => {
    await ca?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers the questions from standard input, echoed as the guide shows them', async () => {
    const out = await consoleRun([
      'enable',
      'configure terminal',
      'hostname edge1',
      'ip domain-name example.com',
      'crypto key generate rsa modulus 1024',
      'crypto ca trustpoint CA-trust-local',
      `enrollment url ${ca.url}`,
      'primary',
      'exit',
      'crypto ca authenticate CA-trust-local',
      'yes',
      'crypto ca enrollment CA-trust-local',
      'S3cret-pw',
      'S3cret-pw',
      'no',
      'no',
      'yes',
      'end',
      'copy running-config startup-config',
    ]);
    expect(out).toContain('edge1(config)# crypto ca authenticate CA-trust-local\nCertificate has the following attributes:\n');
    expect(out).toContain('% Do you accept this certificate? [yes/no]: yes\nTrustpoint CA certificate accepted.\n');
    expect(out).toContain('% Include the router serial number in the subject name? [yes/no]: no\n');
    expect(out).toContain('Request certificate from CA? [yes/no]: yes\n% Certificate request sent to Certificate Authority\n');
    expect(out).toContain('%PKI-6-CERTRET: Certificate received from Certificate Authority\n');
    expect(out).not.toContain('S3cret-pw');

    const next = await consoleRun(['show crypto ca certificates', 'show running-config']);
    expect(next).toMatch(/\nCertificate\n {2}Status: Available\n[\s\S]*Associated Trustpoints: CA-trust-local/);
    expect(next).toContain('crypto ca certificate chain CA-trust-local\n certificate ');
  });
});
