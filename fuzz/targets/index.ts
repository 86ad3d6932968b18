/**
 * Every fuzz target, in the order `npm run fuzz` cycles through them: the engine through its
 * network input, the handshake codecs, the PKI parsers, the IOS config loader, and the HTTP
 * front through a real server.
 */
import type { FuzzTarget } from '../target.js';
import { ENGINE_TARGETS } from './engine.js';
import { DECODERS_TARGET } from './decoders.js';
import { PKI_TARGETS } from './pki.js';
import { CONFIG_TARGET } from './config.js';
import { HTTP_TARGET } from './http.js';

export const TARGETS: readonly FuzzTarget[] = [...ENGINE_TARGETS, DECODERS_TARGET, ...PKI_TARGETS, CONFIG_TARGET, HTTP_TARGET];

export function targetByName(name: string): FuzzTarget | undefined {
  return TARGETS.find((t) => t.name === name);
}
