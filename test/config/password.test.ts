// IOS password types (src/config/password.ts): type 5 MD5-crypt against published vectors and
// against `openssl passwd -1` (the same FreeBSD crypt-md5 algorithm), verification, and the
// `{secret|password} [TYPE] X` rules.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CommandError } from '../../src/config/context.js';
import { hashSecret, isType5Hash, md5Crypt, parseStoredPassword, verifyPassword } from '../../src/config/password.js';
import { findPeer } from '../helpers/peers.js';
import { seededRandom } from '../helpers/keys.js';

const openssl = findPeer('openssl', 'openssl');

describe('md5Crypt (type 5)', () => {
  it.each([
    // OpenSSL's passwd(1) manual page.
    ['password', 'xxxxxxxx', '$1$xxxxxxxx$UYCIxa628.9qXjpQCjM4a.'],
    // passlib's md5_crypt documentation.
    ['password', '3azHgidD', '$1$3azHgidD$SrJPt7B.9rekpmwJwtON31'],
    // The well-known `enable secret 5` of Cisco lab images, password "cisco".
    ['cisco', 'mERr', '$1$mERr$hx5rVt7rPNoS4wqbXKX7m0'],
    // Empty salt and password.
    ['', '', '$1$$qRPK7m23GJusamGpoGLby/'],
  ])('%j with salt %j', (password, salt, expected) => {
    expect(md5Crypt(password, salt)).toBe(expected);
  });

  it('follows crypt(3) salt rules: $1$ prefix skipped, cut at $ and at 8 characters', () => {
    expect(md5Crypt('x', 'abcdefghij')).toBe('$1$abcdefgh$znAnv9M.XU2pRYfmSs46h/');
    expect(md5Crypt('password', '$1$xxxxxxxx$whatever')).toBe('$1$xxxxxxxx$UYCIxa628.9qXjpQCjM4a.');
    expect(md5Crypt('cisco', '$1$mERr$hx5rVt7rPNoS4wqbXKX7m0')).toBe('$1$mERr$hx5rVt7rPNoS4wqbXKX7m0');
  });

  it.skipIf(!openssl)('equals openssl passwd -1 on many lengths, salts and non-ASCII text', () => {
    const rnd = seededRandom('md5crypt');
    const alphabet = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
    const cases: [string, string][] = [['pässwörd€', 'Ab/.'], ['a'.repeat(100), 'zz']];
    // Lengths around the 16-byte blocks of the alternate-sum loop and the bit loop.
    for (const len of [1, 2, 7, 15, 16, 17, 31, 32, 33, 64]) {
      const pw = Array.from(rnd(len), (b) => String.fromCharCode(33 + (b % 94))).join('');
      const salt = Array.from(rnd(1 + (len % 8)), (b) => alphabet[b & 63]).join('');
      cases.push([pw, salt]);
    }
    for (const [pw, salt] of cases) {
      const expected = execFileSync(openssl!, ['passwd', '-1', '-salt', salt, '-stdin'], { input: `${pw}\n`, encoding: 'utf8' }).trim();
      expect(md5Crypt(pw, salt), `${pw} / ${salt}`).toBe(expected);
    }
  });
});

describe('hashSecret', () => {
  it('makes a type 5 secret with a 4-character crypt-alphabet salt', () => {
    const s = hashSecret('cisco', seededRandom('salt'));
    expect(s.type).toBe(5);
    if (s.type !== 5) return;
    expect(s.hash).toMatch(/^\$1\$[./0-9A-Za-z]{4}\$[./0-9A-Za-z]{22}$/);
    expect(isType5Hash(s.hash)).toBe(true);
    expect(md5Crypt('cisco', s.hash)).toBe(s.hash);
  });

  it('maps random bytes onto the alphabet (low 6 bits)', () => {
    const s = hashSecret('x', () => Uint8Array.of(0, 1, 64 + 11, 255));
    expect(s.type === 5 && s.hash.slice(0, 8)).toBe('$1$./9z$');
  });

  it('salts differently each time by default', () => {
    const a = hashSecret('same');
    const b = hashSecret('same');
    expect(a).not.toEqual(b);
  });
});

describe('verifyPassword', () => {
  it('type 5', () => {
    const stored = { type: 5 as const, hash: '$1$mERr$hx5rVt7rPNoS4wqbXKX7m0' };
    expect(verifyPassword(stored, 'cisco')).toBe(true);
    expect(verifyPassword(stored, 'Cisco')).toBe(false);
    expect(verifyPassword(stored, 'cisco ')).toBe(false);
    expect(verifyPassword(stored, '')).toBe(false);
    expect(verifyPassword(stored, '$1$mERr$hx5rVt7rPNoS4wqbXKX7m0')).toBe(false);
  });

  it('type 0', () => {
    const stored = { type: 0 as const, text: 's3cret' };
    expect(verifyPassword(stored, 's3cret')).toBe(true);
    expect(verifyPassword(stored, 's3cre')).toBe(false);
    expect(verifyPassword(stored, 's3cret!')).toBe(false);
    expect(verifyPassword(stored, '')).toBe(false);
  });

  it('a malformed stored hash matches nothing and does not throw', () => {
    expect(verifyPassword({ type: 5, hash: 'garbage' }, 'garbage')).toBe(false);
    expect(verifyPassword({ type: 5, hash: '' }, '')).toBe(false);
  });

  it('round-trips hashSecret', () => {
    const s = hashSecret('correct horse', seededRandom('v'));
    expect(verifyPassword(s, 'correct horse')).toBe(true);
    expect(verifyPassword(s, 'correct horsE')).toBe(false);
  });
});

describe('parseStoredPassword', () => {
  it('secret in clear text (no type, or 0) is hashed into type 5', () => {
    for (const type of [undefined, '0']) {
      const s = parseStoredPassword('secret', type, 'cisco');
      expect(s.type).toBe(5);
      expect(s.type === 5 && isType5Hash(s.hash)).toBe(true);
      expect(verifyPassword(s, 'cisco')).toBe(true);
    }
  });

  it('secret 5 keeps a well-formed hash', () => {
    expect(parseStoredPassword('secret', '5', '$1$mERr$hx5rVt7rPNoS4wqbXKX7m0')).toEqual({ type: 5, hash: '$1$mERr$hx5rVt7rPNoS4wqbXKX7m0' });
    expect(parseStoredPassword('secret', '5', '$1$$qRPK7m23GJusamGpoGLby/')).toEqual({ type: 5, hash: '$1$$qRPK7m23GJusamGpoGLby/' });
  });

  it.each(['cisco', '$1$mERr$hx5rVt7rPNoS4wqbXKX7m', '$1$mERr$hx5rVt7rPNoS4wqbXKX7m0x', '$1$toolongsalt$hx5rVt7rPNoS4wqbXKX7m0', '$5$mERr$hx5rVt7rPNoS4wqbXKX7m0', '$1$mE:r$hx5rVt7rPNoS4wqbXKX7m0'])(
    'secret 5 refuses %j',
    (text) => {
      expect(() => parseStoredPassword('secret', '5', text)).toThrow(CommandError);
      expect(() => parseStoredPassword('secret', '5', text)).toThrow(`% Invalid encrypted password: ${text}`);
    },
  );

  it('password in clear text (no type, or 0) is kept as type 0', () => {
    expect(parseStoredPassword('password', undefined, 'cisco')).toEqual({ type: 0, text: 'cisco' });
    expect(parseStoredPassword('password', '0', 'two words')).toEqual({ type: 0, text: 'two words' });
  });

  it('type 7 is refused with a clear line', () => {
    expect(() => parseStoredPassword('password', '7', '0822455D0A16')).toThrow(CommandError);
    expect(() => parseStoredPassword('password', '7', '0822455D0A16')).toThrow(/^% Type 7 passwords are not supported/);
  });

  it.each([
    ['secret', '7'],
    ['secret', '8'],
    ['secret', '9'],
    ['secret', '4'],
    ['password', '5'],
    ['password', '8'],
  ] as const)('%s %s is refused', (kind, type) => {
    expect(() => parseStoredPassword(kind, type, 'x')).toThrow(CommandError);
    expect(() => parseStoredPassword(kind, type, 'x')).toThrow(/^% /);
  });

  it('an empty value is incomplete', () => {
    expect(() => parseStoredPassword('secret', undefined, '')).toThrow('% Incomplete command.');
    expect(() => parseStoredPassword('password', '0', '')).toThrow('% Incomplete command.');
  });
});
