/**
 * SCEP message rules (RFC 8894) that need no CA: GetCACaps picks the strongest algorithms the CA
 * names; GetCACert answers are read in both forms, and an RA certificate the CA did not sign is
 * refused; CertRep checks refuse a reply to another nonce or from an unknown signer.
 */
import { describe, expect, it } from 'vitest';
import { buildSignedData, certificatesOnly } from '../../src/pki/cms.js';
import { der, Tag } from '../../src/pki/der.js';
import { OID } from '../../src/pki/oid.js';
import { parseCaCaps, parseCaCertResponse, readCertRep, ScepError, buildPkcsReq, type RequestContext } from '../../src/pki/scep.js';
import { buildCertificate } from '../../src/pki/x509-build.js';
import { asciiBytes } from '../../src/util/bytes.js';
import { nodeRsaKey } from '../helpers/keys.js';

const now = Date.now();
const validity = { notBefore: new Date(now - 3_600_000), notAfter: new Date(now + 86_400_000) };
const caKey = nodeRsaKey(1024);
const ca = buildCertificate({ subject: 'CN=CA', publicKey: caKey, signingKey: caKey, ca: true, ...validity });
const raKey = nodeRsaKey(1024);
const ra = buildCertificate({ subject: 'CN=RA', issuerCertificate: ca, signingKey: caKey, publicKey: raKey, keyUsage: ['digitalSignature', 'keyEncipherment'], ...validity });
const rogueKey = nodeRsaKey(1024);
const rogueRa = buildCertificate({ subject: 'CN=RA', issuer: 'CN=CA', signingKey: rogueKey, publicKey: rogueKey, keyUsage: ['keyEncipherment'], ...validity });

describe('GetCACaps', () => {
  it.each([
    ['POSTPKIOperation\nSHA-256\nAES\nDES3\n', 'aes-128-cbc', 'sha256', true],
    ['SCEPStandard', 'aes-128-cbc', 'sha256', true],
    ['DES3\r\nSHA-1\r\n', 'des-ede3-cbc', 'sha1', false],
    ['SHA-512\nsha-256\ndes3', 'des-ede3-cbc', 'sha512', false],
    ['', 'des-cbc', 'md5', false],
  ])('%j', (text, cipher, digest, post) => {
    const caps = parseCaCaps(text);
    expect([caps.cipher, caps.digest, caps.postPkiOperation]).toEqual([cipher, digest, post]);
  });
});

describe('GetCACert', () => {
  it('one certificate: the CA is also the recipient and the signer', () => {
    const r = parseCaCertResponse('application/x-x509-ca-cert', ca.raw);
    expect([r.ca.raw, r.recipient.raw]).toEqual([ca.raw, ca.raw]);
  });

  it('RA and CA in a degenerate PKCS #7: requests go to the RA, replies may come from either', () => {
    const r = parseCaCertResponse('application/x-x509-ca-ra-cert', certificatesOnly([ra, ca]));
    expect(r.ca.raw).toEqual(ca.raw);
    expect(r.recipient.raw).toEqual(ra.raw);
    expect(r.signers.map((c) => c.raw)).toEqual([ca.raw, ra.raw]);
  });

  it('refuses an RA certificate the CA did not sign, and garbage', () => {
    expect(() => parseCaCertResponse('application/x-x509-ca-ra-cert', certificatesOnly([rogueRa, ca]))).toThrow(/RA certificate that the CA did not sign/);
    expect(() => parseCaCertResponse('text/html', asciiBytes('<html>'))).toThrow(ScepError);
  });
});

describe('CertRep', () => {
  const requesterKey = nodeRsaKey(1024);
  const requester = { key: requesterKey, certificate: buildCertificate({ subject: 'CN=r1', publicKey: requesterKey, signingKey: requesterKey, ...validity }) };
  const ctx: RequestContext = { requester, ca: parseCaCertResponse('', ca.raw), cipher: 'aes-128-cbc', digest: 'sha256', transactionId: 'T1' };
  const printable = (s: string) => der.tlv(Tag.PRINTABLE_STRING, asciiBytes(s));
  const reply = (signer: { key: typeof caKey; certificate: typeof ca }, nonce: Uint8Array, status = '3') =>
    buildSignedData({
      signer,
      attributes: [
        { oid: OID.scepTransactionId, values: [printable('T1')] },
        { oid: OID.scepMessageType, values: [printable('3')] },
        { oid: OID.scepPkiStatus, values: [printable(status)] },
        { oid: OID.scepRecipientNonce, values: [der.octetString(nonce)] },
      ],
    });

  it('a PENDING reply to our nonce from the CA is read; one to another nonce or from a stranger is refused', () => {
    const sent = buildPkcsReq(ctx, asciiBytes('csr'));
    expect(readCertRep(ctx, sent, reply({ key: caKey, certificate: ca }, sent.senderNonce))).toEqual({ status: 'PENDING' });
    expect(() => readCertRep(ctx, sent, reply({ key: caKey, certificate: ca }, new Uint8Array(16)))).toThrow(/recipientNonce/);
    expect(() => readCertRep(ctx, sent, reply({ key: rogueKey, certificate: rogueRa }, sent.senderNonce))).toThrow(expect.objectContaining({ code: 'BAD_SIGNER' }));
  });
});
