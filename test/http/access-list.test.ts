import { describe, expect, it } from 'vitest';
import {
  AccessListError,
  accessPermits,
  checkAccess,
  clientIPv4,
  formatAccessEntry,
  parseAccessEntry,
  parseAccessList,
  parseAccessListCommand,
} from '../../src/http/access-list.js';

describe('access-list entries (IOS standard ACL syntax)', () => {
  it.each([
    ['permit any', 'permit any', 0, 0xffffffff],
    ['deny any', 'deny any', 0, 0xffffffff],
    ['permit host 10.1.2.3', 'permit host 10.1.2.3', 0x0a010203, 0],
    ['deny 10.1.2.3', 'deny host 10.1.2.3', 0x0a010203, 0],
    ['permit 10.0.0.0 0.0.0.255', 'permit 10.0.0.0 0.0.0.255', 0x0a000000, 0xff],
    // IOS clears the wildcard bits of the address.
    ['permit 10.0.0.77 0.0.0.255', 'permit 10.0.0.0 0.0.0.255', 0x0a000000, 0xff],
    ['permit 192.168.0.0 0.0.255.255', 'permit 192.168.0.0 0.0.255.255', 0xc0a80000, 0xffff],
    ['PERMIT  Host   172.16.0.1 ', 'permit host 172.16.0.1', 0xac100001, 0],
    ['permit 0.0.0.0 255.255.255.255', 'permit any', 0, 0xffffffff],
  ])('%s', (text, shown, address, wildcard) => {
    const e = parseAccessEntry(text);
    expect(e.address).toBe(address);
    expect(e.wildcard).toBe(wildcard);
    expect(formatAccessEntry(e)).toBe(shown);
  });

  it.each([
    ['allow any', 'allow'],
    ['permit', ''],
    ['permit anyone', 'anyone'],
    ['permit host', ''],
    ['permit host any', 'any'],
    ['permit 10.0.0.256', '10.0.0.256'],
    ['permit 10.0.0', '10.0.0'],
    ['deny 10.0.0.0 255.255.255.0x', '255.255.255.0x'],
    ['permit any log', 'log'],
    ['permit host 1.2.3.4 0.0.0.0', '0.0.0.0'],
    ['permit 10.0.0.0 0.0.0.255 extra', 'extra'],
  ])('rejects %j naming %j', (text, word) => {
    let err: unknown;
    try {
      parseAccessEntry(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AccessListError);
    expect((err as AccessListError).word).toBe(word);
    if (word) {
      expect((err as Error).message).toContain(`'${word}'`);
      expect(text.slice((err as AccessListError).column)).toMatch(new RegExp(`^${word.replace(/\./g, '\\.')}`));
    }
  });

  it('parses a list separated by commas, semicolons or newlines; errors point into the whole string', () => {
    expect(parseAccessList('permit 10.0.0.0 0.0.0.255, deny host 10.0.0.9;permit any\n').map(formatAccessEntry)).toEqual([
      'permit 10.0.0.0 0.0.0.255',
      'deny host 10.0.0.9',
      'permit any',
    ]);
    expect(parseAccessList(['deny host 1.1.1.1', 'permit any'])).toHaveLength(2);
    expect(parseAccessList(' , ')).toEqual([]);
    const text = 'permit any, deny hots 1.2.3.4';
    try {
      parseAccessList(text);
      expect.unreachable();
    } catch (e) {
      expect((e as AccessListError).word).toBe('hots');
      expect((e as AccessListError).column).toBe(text.indexOf('hots'));
    }
  });

  it('parses config lines `access-list N ...` for standard list numbers only', () => {
    expect(parseAccessListCommand('access-list 20 permit 10.1.1.0 0.0.0.255')).toEqual({
      number: 20,
      entry: { action: 'permit', address: 0x0a010100, wildcard: 0xff },
    });
    expect(parseAccessListCommand('access-list 1300 deny any').number).toBe(1300);
    for (const [line, word] of [
      ['access-list 100 permit any', '100'],
      ['access-list 0 permit any', '0'],
      ['access-list 2000 permit any', '2000'],
      ['access-list x permit any', 'x'],
      ['access-lst 1 permit any', 'access-lst'],
    ]) {
      expect(() => parseAccessListCommand(line), line).toThrow(expect.objectContaining({ word }));
    }
  });
});

describe('access-list matching', () => {
  const list = parseAccessList('deny host 10.0.0.9, permit 10.0.0.0 0.0.0.255, permit 172.16.0.0 0.15.255.255, deny 10.0.0.0 0.255.255.255');
  it.each([
    ['10.0.0.1', 'permit'],
    ['10.0.0.9', 'deny'], // first match wins: the host entry comes before the /24
    ['10.0.0.255', 'permit'],
    ['10.0.1.1', 'deny'],
    ['10.200.0.1', 'deny'],
    ['172.16.5.5', 'permit'],
    ['172.31.255.255', 'permit'],
    ['172.32.0.1', 'deny'], // no entry matches: implicit deny
    ['192.168.1.1', 'deny'],
    ['::ffff:10.0.0.1', 'permit'], // IPv4-mapped IPv6 is IPv4
    ['::FFFF:10.0.0.9', 'deny'],
    ['0:0:0:0:0:ffff:10.0.0.2', 'permit'],
    ['::ffff:a00:1', 'permit'], // the hex spelling of ::ffff:10.0.0.1
    ['2001:db8::1', 'deny'],
    ['::1', 'deny'],
    ['', 'deny'],
  ])('%s -> %s', (address, action) => {
    expect(checkAccess(list, address)).toBe(action);
  });

  it('lets IPv6 clients match only `any`; an empty list denies everyone', () => {
    expect(accessPermits(parseAccessList('permit 0.0.0.0 255.255.255.255'), '2001:db8::1')).toBe(true);
    expect(accessPermits(parseAccessList('permit 10.0.0.0 0.0.0.255'), '2001:db8::1')).toBe(false);
    expect(accessPermits([], '127.0.0.1')).toBe(false);
    expect(clientIPv4('127.0.0.1')).toBe(0x7f000001);
    expect(clientIPv4('::ffff:127.0.0.1')).toBe(0x7f000001);
    expect(clientIPv4('fe80::ffff:127.0.0.1')).toBeUndefined();
  });
});
