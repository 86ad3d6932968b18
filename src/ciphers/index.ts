/** The ciphers layer's public surface. */
export type { BulkAlgorithm, BulkCipher, CbcEngine, CipherDirection, MacAlgorithm } from './types.js';
export { Rc4 } from './rc4.js';
export { Des, TripleDes } from './des.js';
export { Aes } from './aes.js';
export { CbcCipher } from './cbc.js';
export { ssl3Pad, ssl3PaddingCheck, ssl3Unpad } from './ssl3-padding.js';
export { CIPHER_SUITES, DEFAULT_SUITES, IOS_SUITES, parseSuiteList, suiteById, suiteByName, type CipherSuite } from './suites.js';
export { createBulkCipher } from './factory.js';
