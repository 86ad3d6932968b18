/**
 * `crypto ca certificate chain`: a trustpoint's certificates written into the configuration
 * text as IOS's hex blocks and read back by the loader to the same certificates and usages;
 * a block that is not a certificate, or not the device's, is refused with one line.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/loader.js';
import { renderConfig } from '../../src/config/render.js';
import { buildCertificate } from '../../src/pki/x509-build.js';
import { nodeRsaKey } from '../helpers/keys.js';
import { FakeContext } from './fake-context.js';

const caKey = nodeRsaKey(1024);
const now = Date.now();
const caCert = buildCertificate({ subject: 'CN=Test CA', notBefore: new Date(now - 1e6), notAfter: new Date(now + 1e9), publicKey: caKey, signingKey: caKey, ca: true, serialNumber: 1n });

async function enrolledDevice(): Promise<FakeContext> {
  const ctx = new FakeContext();
  await ctx.generateKeys({ usageKeys: false, modulus: 512 });
  ctx.config.trustpoints.set('TP1', { name: 'TP1', primary: false, enrollmentUrl: 'http://ca.example/scep' });
  const device = buildCertificate({ subject: 'CN=r1', issuerCertificate: caCert, notBefore: new Date(now - 1e6), notAfter: new Date(now + 1e9), publicKey: ctx.keys.keys[0].key, signingKey: caKey, serialNumber: 0x1a2bn });
  ctx.keys.certificates.push({ trustpoint: 'TP1', usage: 'ca', certificate: caCert }, { trustpoint: 'TP1', usage: 'general', certificate: device });
  return ctx;
}

describe('crypto ca certificate chain', () => {
  it('renders hex blocks after the trustpoint and reads them back to the same certificates', async () => {
    const ctx = await enrolledDevice();
    const text = renderConfig(ctx.config, ctx.keys);
    expect(text).toMatch(/crypto ca certificate chain TP1\n certificate 1A2B\n {2}3082[0-9A-F]{4} /);
    expect(text).toMatch(/\n certificate ca 01\n/);
    expect(text.split('\n').filter((l) => l === '  \tquit')).toHaveLength(2);

    const fresh = new FakeContext();
    fresh.keys.keys = ctx.keys.keys;
    expect(await loadConfig(text, fresh)).toEqual([]);
    const rows = (f: FakeContext) => f.keys.certificates.map((c) => `${c.trustpoint} ${c.usage} ${Buffer.from(c.certificate.raw).toString('hex')}`).sort();
    expect(rows(fresh)).toEqual(rows(ctx));
    // Loading the same text again replaces, it does not duplicate.
    expect(await loadConfig(text, fresh)).toEqual([]);
    expect(fresh.keys.certificates).toHaveLength(2);
  });

  it('refuses a block that is not a certificate, or a device certificate for another key', async () => {
    const ctx = await enrolledDevice();
    const text = renderConfig(ctx.config, ctx.keys);
    const fresh = new FakeContext();
    await fresh.generateKeys({ usageKeys: false, modulus: 512 });
    const errors = await loadConfig(text, fresh);
    expect(errors.map((e) => e.output)).toEqual(["% The certificate 1A2B of chain TP1 holds none of this device's keys; it was not stored."]);
    expect(fresh.keys.certificates.map((c) => c.usage)).toEqual(['ca']);

    const broken = text.replace(/( certificate ca 01\n {2})3082/, '$1FFFF');
    const again = new FakeContext();
    again.keys.keys = ctx.keys.keys;
    expect((await loadConfig(broken, again)).map((e) => e.output)).toEqual([expect.stringMatching(/^% The certificate 01 of chain TP1 cannot be read: /)]);
  });
});
