/**
 * What an IOS command may touch: the running configuration, the key ring, and the few actions
 * that reach outside them (generating keys, saving to the data directory, reading the
 * startup-config, making the running servers match a change). The grammar's handlers see only
 * this; runtime.ts implements it for a live device, and a file load uses the same handlers.
 */
import type { CrlListing } from '../pki/crl-cache.js';
import type { ScepTransport } from '../pki/scep-client.js';
import type { KeyRing, RunningConfig, Trustpoint } from './model.js';

/** A command that parsed but cannot be carried out: the message is printed as it is (IOS texts like `Invalid secure port value.`). */
export class CommandError extends Error {}

/** Live facts for the show commands, from the running servers. */
export interface RuntimeStatus {
  /** Connections open now, and the counters since start. */
  readonly connections?: { current: number; accepted: number; refused: number; denied: number; requests: number; peak: number };
  /** The CRLs the device holds now (fetched for client certificates, current), for `show crypto ca crls`. */
  readonly crls?: readonly CrlListing[];
}

/** What `crypto ca authenticate` and `crypto ca enrollment` reach the CA with. */
export interface CaServices {
  /** SCEP to the trustpoint's `enrollment url`, through its `enrollment http-proxy` when set. */
  transport(tp: Trustpoint): ScepTransport;
  /** Waiting between polls of a PENDING request (tests make it instant). */
  sleep(ms: number): Promise<void>;
  now(): Date;
}

export interface ConfigContext {
  readonly config: RunningConfig;
  readonly keys: KeyRing;
  /** Output for the user (console lines; warnings while loading a file). Include the newline. */
  print(text: string): void;
  /** `crypto key generate rsa [usage-keys] [modulus N]`: new pair(s) named after the FQDN, replacing the old ones, and new self-signed certificates. */
  generateKeys(options: { usageKeys: boolean; modulus: number }): Promise<void>;
  /** `copy running-config startup-config`, `write memory`: config, keys and certificates to the data directory, atomically. */
  save(): Promise<void>;
  /** `copy URL flash:NAME`: stores a file in the data directory's flash; returns where it went. */
  writeFlash(name: string, data: Uint8Array): Promise<string>;
  /** `show startup-config`: the text on disk, or undefined when nothing was saved. */
  readStartupConfig(): Promise<string | undefined>;
  /** Called after each configuration change (once at the end of a file load): the running servers follow the config. */
  apply(): Promise<void>;
  /** Counters of the running servers, when there are any. */
  status(): RuntimeStatus;
  /** The CA side of trustpoints. */
  readonly ca: CaServices;
}
