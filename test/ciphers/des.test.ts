/**
 * DES and 3DES-EDE in CBC mode (src/ciphers/des.ts): published known answers, the TDEA keying
 * options, differential tests against node:crypto (OpenSSL) on random inputs, round trips and
 * input validation.
 */
import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { Des, TripleDes } from '../../src/ciphers/des.js';
import { CipherError } from '../../src/util/errors.js';
import { asciiBytes, concatBytes, fromHex, toHex } from '../../src/util/bytes.js';
import { errorCode, seededBytes } from './helpers.js';

const ZERO_IV = new Uint8Array(8);

/** A random length of 8..4096 bytes in whole blocks. */
function randomLength(rand: (n: number) => Uint8Array): number {
  const b = rand(2);
  return 8 * (1 + (((b[0] << 8) | b[1]) % 512));
}


/** The 8-byte block with only bit `i` set (bit 0 = most significant bit of the first byte). */
function singleBit(i: number): Uint8Array {
  const b = new Uint8Array(8);
  b[i >>> 3] = 0x80 >>> (i & 7);
  return b;
}

function tripled(key: Uint8Array): Uint8Array {
  return concatBytes(key, key, key);
}

describe('FIPS 81 Appendix B (key 0123456789abcdef, IV 1234567890abcdef, "Now is the time for all ")', () => {
  const key = fromHex('0123456789abcdef');
  const iv = fromHex('1234567890abcdef');
  const plain = asciiBytes('Now is the time for all ');

  it('ECB example (Table B1)', () => {
    const des = new Des(key);
    const expected = ['3fa40e8a984d4815', '6a271787ab8883f9', '893d51ec4b563b53'];
    expected.forEach((c, i) => {
      const block = plain.subarray(8 * i, 8 * i + 8);
      expect(toHex(des.encryptBlock(block))).toBe(c);
      expect(toHex(des.decryptBlock(fromHex(c)))).toBe(toHex(block));
    });
  });

  it('CBC example (Table B2)', () => {
    const des = new Des(key);
    const cipher = 'e5c7cdde872bf27c43e934008c389c0f683788499a7c05f6';
    expect(toHex(des.encryptCbc(plain, iv))).toBe(cipher);
    expect(toHex(des.decryptCbc(fromHex(cipher), iv))).toBe(toHex(plain));
  });
});

/*
 * NIST SP 800-20 (Modes of Operation Validation System for the TDEA), Appendix A. The tables are
 * TDEA in ECB with KEY1 = KEY2 = KEY3, i.e. single DES; each is run here on Des and on a
 * 24-byte TripleDes key, which takes the three-pass EDE path.
 */
describe('NIST SP 800-20 known-answer tests', () => {
  // Table A.1, variable plaintext: key 0101010101010101, plaintext with bit i set, i = 0..63.
  const VARIABLE_PLAINTEXT = [
    '95f8a5e5dd31d900', 'dd7f121ca5015619', '2e8653104f3834ea', '4bd388ff6cd81d4f',
    '20b9e767b2fb1456', '55579380d77138ef', '6cc5defaaf04512f', '0d9f279ba5d87260',
    'd9031b0271bd5a0a', '424250b37c3dd951', 'b8061b7ecd9a21e5', 'f15d0f286b65bd28',
    'add0cc8d6e5deba1', 'e6d5f82752ad63d1', 'ecbfe3bd3f591a5e', 'f356834379d165cd',
    '2b9f982f20037fa9', '889de068a16f0be6', 'e19e275d846a1298', '329a8ed523d71aec',
    'e7fce22557d23c97', '12a9f5817ff2d65d', 'a484c3ad38dc9c19', 'fbe00a8a1ef8ad72',
    '750d079407521363', '64feed9c724c2faf', 'f02b263b328e2b60', '9d64555a9a10b852',
    'd106ff0bed5255d7', 'e1652c6b138c64a5', 'e428581186ec8f46', 'aeb5f5ede22d1a36',
    'e943d7568aec0c5c', 'df98c8276f54b04b', 'b160e4680f6c696f', 'fa0752b07d9c4ab8',
    'ca3a2b036dbc8502', '5e0905517bb59bcf', '814eeb3b91d90726', '4d49db1532919c9f',
    '25eb5fc3f8cf0621', 'ab6a20c0620d1c6f', '79e90dbc98f92cca', '866ecedd8072bb0e',
    '8b54536f2f3e64a8', 'ea51d3975595b86b', 'caffc6ac4542de31', '8dd45a2ddf90796c',
    '1029d55e880ec2d0', '5d86cb23639dbea9', '1d1ca853ae7c0c5f', 'ce332329248f3228',
    '8405d1abe24fb942', 'e643d78090ca4207', '48221b9937748a23', 'dd7c0bbd61fafd54',
    '2fbc291a570db5c4', 'e07c30d7e4e26e12', '0953e2258e8e90a1', '5b711bc4ceebf2ee',
    'cc083f1e6d9e85f6', 'd2fd8867d50d2dfe', '06e7ea22ce92708f', '166b40b44aba4bd6',
  ];

  // Table A.2, variable key: plaintext 0; key 01..01 with byte j (0..7) replaced by 0x80 >> b
  // (b = 0..6), i.e. each of the 56 key bits set once, the parity bits kept odd.
  const VARIABLE_KEY = [
    '95a8d72813daa94d', '0eec1487dd8c26d5', '7ad16ffb79c45926', 'd3746294ca6a6cf3',
    '809f5f873c1fd761', 'c02faffec989d1fc', '4615aa1d33e72f10', '2055123350c00858',
    'df3b99d6577397c8', '31fe17369b5288c9', 'dfdd3cc64dae1642', '178c83ce2b399d94',
    '50f636324a9b7f80', 'a8468ee3bc18f06d', 'a2dc9e92fd3cde92', 'cac09f797d031287',
    '90ba680b22aeb525', 'ce7a24f350e280b6', '882bff0aa01a0b87', '25610288924511c2',
    'c71516c29c75d170', '5199c29a52c9f059', 'c22f0a294a71f29f', 'ee371483714c02ea',
    'a81fbd448f9e522f', '4f644c92e192dfed', '1afa9a66a6df92ae', 'b3c1cc715cb879d8',
    '19d032e64ab0bd8b', '3cfaa7a7dc8720dc', 'b7265f7f447ac6f3', '9db73b3c0d163f54',
    '8181b65babf4a975', '93c9b64042eaa240', '5570530829705592', '8638809e878787a0',
    '41b9a79af79ac208', '7a9be42f2009a892', '29038d56ba6d2745', '5495c6abf1e5df51',
    'ae13dbd561488933', '024d1ffa8904e389', 'd1399712f99bf02e', '14c1d7c1cffec79e',
    '1de5279dae3bed6f', 'e941a33f85501303', 'da99dbbc9a03f379', 'b7fc92f91d8e92e9',
    'ae8e5caa3ca04e85', '9cc62df43b6eed74', 'd863dbb5c59a91a0', 'a1ab2190545b91d7',
    '0875041e64c570f7', '5a594528bebef1cc', 'fcdb3291de21f0c0', '869efd7f9f265a09',
  ];

  // Table A.3, permutation operation: plaintext 0, [key, ciphertext].
  const PERMUTATION: [string, string][] = [
    ['1046913489980131', '88d55e54f54c97b4'], ['1007103489988020', '0c0cc00c83ea48fd'],
    ['10071034c8980120', '83bc8ef3a6570183'], ['1046103489988020', 'df725dcad94ea2e9'],
    ['1086911519190101', 'e652b53b550be8b0'], ['1086911519580101', 'af527120c485cbb0'],
    ['5107b01519580101', '0f04ce393db926d5'], ['1007b01519190101', 'c9f00ffc74079067'],
    ['3107915498080101', '7cfd82a593252b4e'], ['3107919498080101', 'cb49a2f9e91363e3'],
    ['10079115b9080140', '00b588be70d23f56'], ['3107911598080140', '406a9a6ab43399ae'],
    ['1007d01589980101', '6cb773611dca9ada'], ['9107911589980101', '67fd21c17dbb5d70'],
    ['9107d01589190101', '9592cb4110430787'], ['1007d01598980120', 'a6b7ff68a318ddd3'],
    ['1007940498190101', '4d102196c914ca16'], ['0107910491190401', '2dfa9f4573594965'],
    ['0107910491190101', 'b46604816c0e0774'], ['0107940491190401', '6e7e6221a4f34e87'],
    ['19079210981a0101', 'aa85e74643233199'], ['1007911998190801', '2e5a19db4d1962d6'],
    ['10079119981a0801', '23a866a809d30894'], ['1007921098190101', 'd812d961f017d320'],
    ['100791159819010b', '055605816e58608f'], ['1004801598190101', 'abd88e8b1b7716f1'],
    ['1004801598190102', '537ac95be69da1e1'], ['1004801598190108', 'aed0f6ae3c25cdd8'],
    ['1002911598100104', 'b3e35a5ee53e7b8d'], ['1002911598190104', '61c79c71921a2ef8'],
    ['1002911598100201', 'e2f5728f0995013c'], ['1002911698100101', '1aeac39a61f0a464'],
  ];

  // Table A.4, substitution tables (chosen to use every S-box entry): [key, plaintext, ciphertext].
  const SUBSTITUTION: [string, string, string][] = [
    ['7ca110454a1a6e57', '01a1d6d039776742', '690f5b0d9a26939b'],
    ['0131d9619dc1376e', '5cd54ca83def57da', '7a389d10354bd271'],
    ['07a1133e4a0b2686', '0248d43806f67172', '868ebb51cab4599a'],
    ['3849674c2602319e', '51454b582ddf440a', '7178876e01f19b2a'],
    ['04b915ba43feb5b6', '42fd443059577fa2', 'af37fb421f8c4095'],
    ['0113b970fd34f2ce', '059b5e0851cf143a', '86a560f10ec6d85b'],
    ['0170f175468fb5e6', '0756d8e0774761d2', '0cd3da020021dc09'],
    ['43297fad38e373fe', '762514b829bf486a', 'ea676b2cb7db2b7a'],
    ['07a7137045da2a16', '3bdd119049372802', 'dfd64a815caf1a0f'],
    ['04689104c2fd3b2f', '26955f6835af609a', '5c513c9c4886c088'],
    ['37d06bb516cb7546', '164d5e404f275232', '0a2aeeae3ff4ab77'],
    ['1f08260d1ac2465e', '6b056e18759f5cca', 'ef1bf03e5dfa575a'],
    ['584023641aba6176', '004bd6ef09176062', '88bf0db6d70dee56'],
    ['025816164629b007', '480d39006ee762f2', 'a1f9915541020b56'],
    ['49793ebc79b3258f', '437540c8698f3cfa', '6fbf1cafcffd0556'],
    ['4fb05e1515ab73a7', '072d43a077075292', '2f22e49bab7ca1ac'],
    ['49e95d6d4ca229bf', '02fe55778117f12a', '5a6b612cc26cce4a'],
    ['018310dc409b26d6', '1d9d5c5018f728c2', '5f4c038ed12b2e41'],
    ['1c587f1c13924fef', '305532286d6f295a', '63fac0d034d9f793'],
  ];

  /** Checks one ECB answer both ways, on Des and on TDEA with three equal keys. */
  function check(key: Uint8Array, plain: Uint8Array, cipherHex: string): void {
    for (const engine of [new Des(key), new TripleDes(tripled(key))]) {
      expect(toHex(engine.encryptBlock(plain)), `key ${toHex(key)} plain ${toHex(plain)}`).toBe(cipherHex);
      expect(toHex(engine.decryptBlock(fromHex(cipherHex))), `key ${toHex(key)} cipher ${cipherHex}`).toBe(toHex(plain));
      // One block of CBC with a zero IV is ECB.
      expect(toHex(engine.encryptCbc(plain, ZERO_IV))).toBe(cipherHex);
    }
  }

  it('Table A.1, variable plaintext (and, decrypting, the inverse permutation test)', () => {
    expect(VARIABLE_PLAINTEXT).toHaveLength(64);
    const key = fromHex('0101010101010101');
    VARIABLE_PLAINTEXT.forEach((c, i) => check(key, singleBit(i), c));
  });

  it('Table A.2, variable key', () => {
    expect(VARIABLE_KEY).toHaveLength(56);
    VARIABLE_KEY.forEach((c, i) => {
      const key = fromHex('0101010101010101');
      key[Math.floor(i / 7)] = 0x80 >>> (i % 7);
      check(key, new Uint8Array(8), c);
    });
  });

  it('Table A.3, permutation operation', () => {
    for (const [key, cipher] of PERMUTATION) check(fromHex(key), new Uint8Array(8), cipher);
  });

  it('Table A.4, substitution tables', () => {
    for (const [key, plain, cipher] of SUBSTITUTION) check(fromHex(key), fromHex(plain), cipher);
  });
});

describe('3DES-EDE (NIST SP 800-67)', () => {
  const k1 = fromHex('0123456789abcdef');
  const k2 = fromHex('23456789abcdef01');
  const k3 = fromHex('456789abcdef0123');

  it('Appendix B example (Rev. 1): three keys, ECB, "The qufck brown fox jump"', () => {
    // The document's plaintext really reads "qufck".
    const plain = asciiBytes('The qufck brown fox jump');
    const expected = ['a826fd8ce53b855f', 'cce21c8112256fe6', '68d5c05dd9b6b900'];
    const tdes = new TripleDes(concatBytes(k1, k2, k3));
    expected.forEach((c, i) => {
      const block = plain.subarray(8 * i, 8 * i + 8);
      expect(toHex(tdes.encryptBlock(block))).toBe(c);
      expect(toHex(tdes.decryptBlock(fromHex(c)))).toBe(toHex(block));
    });
  });

  it('is E_K3(D_K2(E_K1(x))): the keys play their roles in that order', () => {
    const rand = seededBytes(3);
    const data = rand(64);
    const iv = rand(8);
    // With K2 = K1 the first two steps cancel and E_K3 is left; with K3 = K2, the last two.
    expect(toHex(new TripleDes(concatBytes(k1, k1, k3)).encryptCbc(data, iv))).toBe(toHex(new Des(k3).encryptCbc(data, iv)));
    expect(toHex(new TripleDes(concatBytes(k1, k3, k3)).encryptCbc(data, iv))).toBe(toHex(new Des(k1).encryptCbc(data, iv)));
    expect(toHex(new TripleDes(concatBytes(k1, k1, k3)).decryptCbc(data, iv))).toBe(toHex(new Des(k3).decryptCbc(data, iv)));
    expect(toHex(new TripleDes(concatBytes(k1, k3, k3)).decryptCbc(data, iv))).toBe(toHex(new Des(k1).decryptCbc(data, iv)));
  });

  it('K1 = K2 = K3 is single DES', () => {
    const rand = seededBytes(4);
    for (let i = 0; i < 20; i++) {
      const key = rand(8);
      const data = rand(randomLength(rand) % 512 + 8);
      const iv = rand(8);
      const des = new Des(key);
      const tdes = new TripleDes(tripled(key));
      expect(toHex(tdes.encryptCbc(data, iv))).toBe(toHex(des.encryptCbc(data, iv)));
      expect(toHex(tdes.decryptCbc(data, iv))).toBe(toHex(des.decryptCbc(data, iv)));
    }
  });

  it('keying option 2: a 16-byte key K1|K2 means K3 = K1', () => {
    const rand = seededBytes(5);
    for (let i = 0; i < 20; i++) {
      const a = rand(8);
      const b = rand(8);
      const data = rand(256);
      const iv = rand(8);
      const two = new TripleDes(concatBytes(a, b));
      const three = new TripleDes(concatBytes(a, b, a));
      expect(toHex(two.encryptCbc(data, iv))).toBe(toHex(three.encryptCbc(data, iv)));
      expect(toHex(two.decryptCbc(data, iv))).toBe(toHex(three.decryptCbc(data, iv)));
    }
  });

  it('an 8-byte key is single DES', () => {
    const rand = seededBytes(6);
    const key = rand(8);
    const data = rand(512);
    const iv = rand(8);
    expect(toHex(new TripleDes(key).encryptCbc(data, iv))).toBe(toHex(new Des(key).encryptCbc(data, iv)));
    expect(toHex(new TripleDes(key).decryptCbc(data, iv))).toBe(toHex(new Des(key).decryptCbc(data, iv)));
    expect(toHex(new TripleDes(fromHex('7ca110454a1a6e57')).encryptBlock(fromHex('01a1d6d039776742')))).toBe('690f5b0d9a26939b');
  });
});

describe('differential against node:crypto (OpenSSL)', () => {
  interface Case {
    key: Uint8Array;
    iv: Uint8Array;
    data: Uint8Array;
  }

  function cases(seed: number, count: number, keyLength: number): Case[] {
    const rand = seededBytes(seed);
    return Array.from({ length: count }, () => ({ key: rand(keyLength), iv: rand(8), data: rand(randomLength(rand)) }));
  }

  function nativeCbc(alg: string, c: Case, encrypt: boolean): Uint8Array {
    const cipher = encrypt ? createCipheriv(alg, c.key, c.iv) : createDecipheriv(alg, c.key, c.iv);
    cipher.setAutoPadding(false);
    return new Uint8Array(Buffer.concat([cipher.update(c.data), cipher.final()]));
  }

  it('des-ede3-cbc, 24-byte keys, 200 random cases of 8..4096 bytes', () => {
    for (const c of cases(10, 200, 24)) {
      const ours = new TripleDes(c.key);
      const enc = ours.encryptCbc(c.data, c.iv);
      expect(toHex(enc)).toBe(toHex(nativeCbc('des-ede3-cbc', c, true)));
      // Decrypting random bytes compares the decryption direction on its own.
      expect(toHex(ours.decryptCbc(c.data, c.iv))).toBe(toHex(nativeCbc('des-ede3-cbc', c, false)));
      expect(toHex(ours.decryptCbc(enc, c.iv))).toBe(toHex(c.data));
    }
  });

  it('des-ede-cbc, 16-byte keys (keying option 2), 50 random cases', () => {
    for (const c of cases(11, 50, 16)) {
      const ours = new TripleDes(c.key);
      expect(toHex(ours.encryptCbc(c.data, c.iv))).toBe(toHex(nativeCbc('des-ede-cbc', c, true)));
      expect(toHex(ours.decryptCbc(c.data, c.iv))).toBe(toHex(nativeCbc('des-ede-cbc', c, false)));
    }
  });

  // OpenSSL 3 keeps single DES in its legacy provider, which node loads only when started with
  // --openssl-legacy-provider: the native side runs in a child node.
  const requirePeers = process.env.SSL3_REQUIRE_PEERS === '1';
  const legacyDes =
    spawnSync(process.execPath, ['--openssl-legacy-provider', '-e', "require('crypto').createCipheriv('des-cbc', Buffer.alloc(8), Buffer.alloc(8))"], {
      stdio: 'ignore',
    }).status === 0;
  if (!legacyDes && !requirePeers) {
    console.warn("peer missing: node's OpenSSL legacy provider (native single DES); the des-cbc differential test is skipped");
  }

  it.skipIf(!legacyDes && !requirePeers)('des-cbc, 200 random cases, native side in a child node with the legacy provider', () => {
    expect(legacyDes, "node's OpenSSL legacy provider (native des-cbc) is unavailable and SSL3_REQUIRE_PEERS=1").toBe(true);
    const all = cases(12, 200, 8);
    const script = `
      const crypto = require('crypto');
      const run = (make, c) => {
        const x = make('des-cbc', Buffer.from(c.key, 'hex'), Buffer.from(c.iv, 'hex')).setAutoPadding(false);
        return Buffer.concat([x.update(Buffer.from(c.data, 'hex')), x.final()]).toString('hex');
      };
      const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
      process.stdout.write(JSON.stringify(input.map((c) => ({
        enc: run(crypto.createCipheriv, c),
        dec: run(crypto.createDecipheriv, c),
      }))));`;
    const child = spawnSync(process.execPath, ['--openssl-legacy-provider', '-e', script], {
      input: JSON.stringify(all.map((c) => ({ key: toHex(c.key), iv: toHex(c.iv), data: toHex(c.data) }))),
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(child.status, child.stderr).toBe(0);
    const native = JSON.parse(child.stdout) as { enc: string; dec: string }[];
    expect(native).toHaveLength(all.length);
    all.forEach((c, i) => {
      const ours = new Des(c.key);
      expect(toHex(ours.encryptCbc(c.data, c.iv))).toBe(native[i].enc);
      expect(toHex(ours.decryptCbc(c.data, c.iv))).toBe(native[i].dec);
    });
  });
});

describe('round trips and CBC behaviour', () => {
  it('decrypt(encrypt(x)) = x for every key length and many sizes', () => {
    const rand = seededBytes(20);
    for (const keyLength of [8, 16, 24]) {
      for (let i = 0; i < 30; i++) {
        const key = rand(keyLength);
        const iv = rand(8);
        const data = rand(8 * i);
        const engine = keyLength === 8 && i % 2 ? new Des(key) : new TripleDes(key);
        const enc = engine.encryptCbc(data, iv);
        expect(enc).toHaveLength(data.length);
        expect(toHex(engine.decryptCbc(enc, iv))).toBe(toHex(data));
      }
    }
  });

  it('chains across calls: the last ciphertext block is the next IV', () => {
    const rand = seededBytes(21);
    const tdes = new TripleDes(rand(24));
    const data = rand(96);
    const iv = rand(8);
    const whole = tdes.encryptCbc(data, iv);
    const first = tdes.encryptCbc(data.subarray(0, 40), iv);
    const second = tdes.encryptCbc(data.subarray(40), first.subarray(32));
    expect(toHex(concatBytes(first, second))).toBe(toHex(whole));
    const back = concatBytes(tdes.decryptCbc(whole.subarray(0, 40), iv), tdes.decryptCbc(whole.subarray(40), whole.subarray(32, 40)));
    expect(toHex(back)).toBe(toHex(data));
  });

  it('returns a new array and leaves data and IV untouched, also for views into larger buffers', () => {
    const rand = seededBytes(22);
    const backing = rand(200);
    const data = backing.subarray(3, 3 + 64);
    const iv = backing.subarray(101, 109);
    const before = backing.slice();
    const des = new Des(rand(8));
    const enc = des.encryptCbc(data, iv);
    const dec = des.decryptCbc(enc, iv);
    expect(toHex(backing)).toBe(toHex(before));
    expect(enc).not.toBe(data);
    expect(enc.buffer).not.toBe(backing.buffer);
    expect(toHex(dec)).toBe(toHex(data));
    expect(toHex(des.encryptCbc(data.slice(), iv.slice()))).toBe(toHex(enc));
  });

  it('empty input gives empty output', () => {
    expect(new Des(new Uint8Array(8)).encryptCbc(new Uint8Array(0), ZERO_IV)).toHaveLength(0);
    expect(new TripleDes(new Uint8Array(24)).decryptCbc(new Uint8Array(0), ZERO_IV)).toHaveLength(0);
  });

  it('ignores the parity bits of keys, as OpenSSL does', () => {
    const rand = seededBytes(23);
    const key = rand(24);
    const flipped = key.map((b) => b ^ 1);
    const data = rand(64);
    const iv = rand(8);
    expect(toHex(new TripleDes(flipped).encryptCbc(data, iv))).toBe(toHex(new TripleDes(key).encryptCbc(data, iv)));
    expect(toHex(new Des(flipped.subarray(0, 8)).encryptCbc(data, iv))).toBe(toHex(new Des(key.subarray(0, 8)).encryptCbc(data, iv)));
  });

  it('has a block size of 8', () => {
    expect(new Des(new Uint8Array(8)).blockSize).toBe(8);
    expect(new TripleDes(new Uint8Array(24)).blockSize).toBe(8);
  });
});

describe('bad input throws CipherError, never a wrong result', () => {
  it('key lengths', () => {
    for (const n of [0, 1, 7, 9, 16, 24]) expect(errorCode(() => new Des(new Uint8Array(n))), `DES key of ${n}`).toBe('BAD_KEY_LENGTH');
    for (const n of [0, 7, 9, 15, 17, 23, 25, 32]) {
      expect(errorCode(() => new TripleDes(new Uint8Array(n))), `3DES key of ${n}`).toBe('BAD_KEY_LENGTH');
    }
    expect(errorCode(() => new Des('01234567' as unknown as Uint8Array))).toBe('BAD_KEY_LENGTH');
    expect(() => new Des(new Uint8Array(7))).toThrow(CipherError);
  });

  it('IV lengths', () => {
    const engines = [new Des(new Uint8Array(8)), new TripleDes(new Uint8Array(24))];
    for (const e of engines) {
      for (const n of [0, 7, 9, 16]) {
        expect(errorCode(() => e.encryptCbc(new Uint8Array(16), new Uint8Array(n))), `IV of ${n}`).toBe('BAD_IV_LENGTH');
        expect(errorCode(() => e.decryptCbc(new Uint8Array(16), new Uint8Array(n))), `IV of ${n}`).toBe('BAD_IV_LENGTH');
      }
    }
  });

  it('data lengths that are not whole blocks', () => {
    const engines = [new Des(new Uint8Array(8)), new TripleDes(new Uint8Array(16))];
    for (const e of engines) {
      for (const n of [1, 7, 9, 15, 17, 4095]) {
        expect(errorCode(() => e.encryptCbc(new Uint8Array(n), ZERO_IV)), `data of ${n}`).toBe('BAD_INPUT_LENGTH');
        expect(errorCode(() => e.decryptCbc(new Uint8Array(n), ZERO_IV)), `data of ${n}`).toBe('BAD_INPUT_LENGTH');
      }
      expect(errorCode(() => e.encryptBlock(new Uint8Array(16)))).toBe('BAD_INPUT_LENGTH');
      expect(errorCode(() => e.decryptBlock(new Uint8Array(7)))).toBe('BAD_INPUT_LENGTH');
    }
  });
});
