/**
 * IOS standard access lists (`access-list N {permit|deny} {A.B.C.D [wildcard] | host A.B.C.D | any}`),
 * as `ip http access-class N` applies them to the HTTP(S) server: entries are tried in order,
 * the first that matches the client's address decides, and an address no entry matches is
 * denied (the implicit `deny any` at the end of every IOS list).
 *
 * Wildcard bits are inverted masks: a 0 bit must match, a 1 bit is ignored, so
 * `10.0.0.0 0.0.0.255` is 10.0.0.0/24. A standard list is IPv4 only: an IPv4-mapped IPv6
 * client address (`::ffff:a.b.c.d`, how a dual-stack listener reports IPv4 clients) is matched
 * as the IPv4 address; any other IPv6 address matches only `any`.
 *
 * The config layer reuses parseAccessListCommand() for `access-list N ...` lines; errors carry
 * the offending word and its column so a console can put its caret under it.
 */
import { formatIPv4, parseIPv4 } from '../util/ipv4.js';
import { Ssl3Error } from '../util/errors.js';

export type AccessAction = 'permit' | 'deny';

export interface AccessEntry {
  readonly action: AccessAction;
  /** IPv4 address as an unsigned 32-bit number, with the wildcard bits cleared (as IOS stores it). */
  readonly address: number;
  /** Wildcard bits: 1 = ignore this bit. `any` is 0xffffffff, `host` is 0. */
  readonly wildcard: number;
}

export type AccessList = readonly AccessEntry[];

/** A bad access-list entry: `word` is the word at fault, `column` its offset in the text. */
export class AccessListError extends Ssl3Error {
  constructor(
    message: string,
    readonly word: string,
    readonly column: number,
  ) {
    super('BAD_ACCESS_LIST', message);
  }
}

/** IOS's standard access-list numbers. */
export function isStandardAccessListNumber(n: number): boolean {
  return Number.isInteger(n) && ((n >= 1 && n <= 99) || (n >= 1300 && n <= 1999));
}

/**
 * A client address as the IPv4 number a standard list compares, or undefined for a real IPv6
 * address. IPv4-mapped IPv6 addresses (::ffff:a.b.c.d and ::ffff:XXXX:XXXX) count as IPv4.
 */
export function clientIPv4(address: string | undefined): number | undefined {
  if (!address) return undefined;
  const plain = parseIPv4(address);
  if (plain !== undefined) return plain;
  const lower = address.toLowerCase();
  const dotted = /^(?:::|(?:0{1,4}:){5})ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(lower);
  if (dotted) return parseIPv4(dotted[1]);
  const hex = /^(?:::|(?:0{1,4}:){5})ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) return parseInt(hex[1], 16) * 0x10000 + parseInt(hex[2], 16);
  return undefined;
}

/** The address without an IPv4-mapped prefix (for logs): '::ffff:10.0.0.1' -> '10.0.0.1'. */
export function displayAddress(address: string | undefined): string {
  if (!address) return '-';
  const v4 = clientIPv4(address);
  return v4 === undefined ? address : formatIPv4(v4);
}

interface Word {
  text: string;
  column: number;
}

function words(text: string, offset = 0): Word[] {
  const out: Word[] = [];
  for (const m of text.matchAll(/\S+/g)) out.push({ text: m[0], column: offset + (m.index ?? 0) });
  return out;
}

function address(w: Word | undefined, what: string, end: number): number {
  if (!w) throw new AccessListError(`access list: ${what} expected at the end of the entry`, '', end);
  const n = parseIPv4(w.text);
  if (n === undefined) throw new AccessListError(`access list: '${w.text}' is not ${what}`, w.text, w.column);
  return n;
}

function parseWords(ws: Word[], end: number): AccessEntry {
  const [first, second, third] = ws;
  if (!first) throw new AccessListError("access list: empty entry (expected 'permit' or 'deny')", '', end);
  const action = first.text.toLowerCase();
  if (action !== 'permit' && action !== 'deny') {
    throw new AccessListError(`access list: '${first.text}' is not 'permit' or 'deny'`, first.text, first.column);
  }
  let addr: number;
  let wildcard: number;
  let used: number;
  const kind = second?.text.toLowerCase();
  if (kind === 'any') {
    addr = 0;
    wildcard = 0xffffffff;
    used = 2;
  } else if (kind === 'host') {
    addr = address(third, 'an IPv4 address (A.B.C.D) after host', end);
    wildcard = 0;
    used = 3;
  } else {
    addr = address(second, "an IPv4 address (A.B.C.D), 'host' or 'any'", end);
    // No wildcard means this one address, as IOS takes it.
    wildcard = third ? address(third, 'a wildcard mask (A.B.C.D)', end) : 0;
    used = third ? 3 : 2;
  }
  const extra = ws[used];
  if (extra) throw new AccessListError(`access list: unexpected '${extra.text}' after the entry`, extra.text, extra.column);
  return { action, address: (addr & ~wildcard) >>> 0, wildcard: wildcard >>> 0 };
}

/** Parses one entry: `permit 10.0.0.0 0.0.0.255`, `deny host 10.1.1.1`, `permit any`. */
export function parseAccessEntry(text: string): AccessEntry {
  return parseWords(words(text), text.length);
}

/**
 * Parses a list: an array of entries, or one string whose entries are separated by commas,
 * semicolons or newlines (`'permit 10.0.0.0 0.0.0.255, deny any'`). Blank entries are skipped;
 * an empty list denies everyone (the implicit deny).
 */
export function parseAccessList(input: string | readonly string[]): AccessList {
  const out: AccessEntry[] = [];
  const parts: Word[] = [];
  if (typeof input === 'string') {
    for (const m of input.matchAll(/[^,;\n]+/g)) parts.push({ text: m[0], column: m.index ?? 0 });
  } else {
    for (const text of input) parts.push({ text, column: 0 });
  }
  for (const part of parts) {
    const ws = words(part.text, part.column);
    if (ws.length) out.push(parseWords(ws, part.column + part.text.length));
  }
  return out;
}

/**
 * Parses an IOS config line `access-list N {permit|deny} ...` (N in 1..99 or 1300..1999, a
 * standard list) into its number and entry.
 */
export function parseAccessListCommand(line: string): { number: number; entry: AccessEntry } {
  const ws = words(line);
  if (ws[0]?.text.toLowerCase() !== 'access-list') {
    throw new AccessListError(`access list: '${ws[0]?.text ?? ''}' is not 'access-list'`, ws[0]?.text ?? '', ws[0]?.column ?? 0);
  }
  const num = ws[1];
  if (!num) throw new AccessListError('access list: a list number (1-99, 1300-1999) expected', '', line.length);
  const n = /^\d+$/.test(num.text) ? Number(num.text) : NaN;
  if (!isStandardAccessListNumber(n)) {
    throw new AccessListError(`access list: '${num.text}' is not a standard access-list number (1-99, 1300-1999)`, num.text, num.column);
  }
  return { number: n, entry: parseWords(ws.slice(2), line.length) };
}

/** The entry in config syntax, as `show running-config` would write it. */
export function formatAccessEntry(e: AccessEntry): string {
  if (e.wildcard === 0xffffffff) return `${e.action} any`;
  if (e.wildcard === 0) return `${e.action} host ${formatIPv4(e.address)}`;
  return `${e.action} ${formatIPv4(e.address)} ${formatIPv4(e.wildcard)}`;
}

function matches(e: AccessEntry, ip: number | undefined): boolean {
  if (e.wildcard === 0xffffffff) return true;
  if (ip === undefined) return false;
  return ((ip ^ e.address) & ~e.wildcard) >>> 0 === 0;
}

/** The first matching entry's action, or 'deny' when none matches (the implicit deny). */
export function checkAccess(list: AccessList, clientAddress: string | undefined): AccessAction {
  const ip = clientIPv4(clientAddress);
  for (const e of list) if (matches(e, ip)) return e.action;
  return 'deny';
}

/** Whether the list lets `clientAddress` in. */
export function accessPermits(list: AccessList, clientAddress: string | undefined): boolean {
  return checkAccess(list, clientAddress) === 'permit';
}
