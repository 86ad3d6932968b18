/**
 * Addresses on the command line: HOST[:PORT] for a server to reach, [ADDR:]PORT for a place
 * to listen; IPv6 literals in brackets. A bad one is a usage error naming the flag.
 */
import { UsageError } from './command.js';

/** HOST[:PORT]; `defaultPort` when the port is left out. */
export function parseTarget(text: string, defaultPort = 443): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(text);
  const port = m?.[3] === undefined ? defaultPort : Number(m[3]);
  if (!m || port < 1 || port > 65535) throw new UsageError(`'${text}': expected HOST[:PORT] with PORT 1..65535`);
  return { host: m[1] ?? m[2], port };
}

/** [ADDR:]PORT for `flag`, the address 127.0.0.1 unless given. */
export function parseListen(flag: string, text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]:|([^:]+):)?(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port < 1 || port > 65535) throw new UsageError(`${flag} '${text}': expected [ADDR:]PORT with PORT 1..65535`);
  return { host: m[1] ?? m[2] ?? '127.0.0.1', port };
}
