/**
 * A ConfigContext for the config layer's tests: a real RunningConfig and KeyRing, output kept
 * as text, and every outside action (keys, save, apply) recorded instead of done. Keys are
 * real but small, so show commands that read them work without waiting for 2048-bit primes.
 */
import type { CaServices, ConfigContext, RuntimeStatus } from '../../src/config/context.js';
import { defaultConfig, emptyKeyRing, fqdn, type KeyRing, type RunningConfig } from '../../src/config/model.js';
import { nodeRsaKey } from '../helpers/keys.js';
import type { CrlListing } from '../../src/pki/crl-cache.js';

export type FakeCall = { readonly kind: 'generateKeys'; readonly usageKeys: boolean; readonly modulus: number } | { readonly kind: 'save' } | { readonly kind: 'apply' };

export class FakeContext implements ConfigContext {
  readonly config: RunningConfig = defaultConfig();
  readonly keys: KeyRing = emptyKeyRing();
  readonly calls: FakeCall[] = [];
  /** Everything printed, not yet taken. */
  output = '';
  /** What `show startup-config` reads; save() stores a marker text here. */
  startup: string | undefined;
  /** The CRLs status() reports the device holds (`show crypto ca crls`). */
  crls: CrlListing[] = [];
  /** When set, apply() throws it (a server that cannot listen). */
  applyError: Error | undefined;
  /** SCEP goes nowhere unless a test gives a transport; polls do not wait. */
  readonly ca: CaServices = {
    transport: () => ({ request: () => Promise.reject(new Error('no CA in this test')) }),
    sleep: () => Promise.resolve(),
    now: () => new Date(),
  };

  print(text: string): void {
    this.output += text;
  }

  /** The output so far, cleared. */
  take(): string {
    const out = this.output;
    this.output = '';
    return out;
  }

  async generateKeys(options: { usageKeys: boolean; modulus: number }): Promise<void> {
    this.calls.push({ kind: 'generateKeys', ...options });
    const name = fqdn(this.config);
    const generatedAt = new Date();
    const usages = options.usageKeys ? (['signature', 'encryption'] as const) : (['general'] as const);
    this.keys.keys = usages.map((usage) => ({ name, usage, key: nodeRsaKey(512), generatedAt }));
    await Promise.resolve();
  }

  async save(): Promise<void> {
    this.calls.push({ kind: 'save' });
    this.startup = `hostname ${this.config.hostname}\nend\n`;
    await Promise.resolve();
  }

  /** What `copy ... flash:NAME` stored. */
  readonly flash = new Map<string, Uint8Array>();

  async writeFlash(name: string, data: Uint8Array): Promise<string> {
    this.flash.set(name, data);
    return Promise.resolve(`flash/${name}`);
  }

  async readStartupConfig(): Promise<string | undefined> {
    return Promise.resolve(this.startup);
  }

  async apply(): Promise<void> {
    this.calls.push({ kind: 'apply' });
    if (this.applyError) throw this.applyError;
    await Promise.resolve();
  }

  status(): RuntimeStatus {
    return { crls: this.crls };
  }

  /** How many times a kind of call was made. */
  count(kind: FakeCall['kind']): number {
    return this.calls.filter((c) => c.kind === kind).length;
  }
}
