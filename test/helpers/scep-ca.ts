/**
 * SCEP CAs for tests: the real one (micromdm's scepserver, Debian package `scep`, docs/interop.md),
 * started in a temporary depot, and a scripted one on node:http whose answers a test chooses
 * (issue a server certificate, stay PENDING, refuse, answer garbage), for the behaviours the
 * real CA cannot be made to show. The scripted CA reads requests with our CMS code; it is a
 * stage for the client's reactions, not a proof of interoperability (scepserver is that).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { buildEnvelopedData, buildSignedData, certificatesOnly, openEnvelopedData, parseSignedData, signerVerifies } from '../../src/pki/cms.js';
import type { Certificate } from '../../src/pki/certificate.js';
import { der, Tag } from '../../src/pki/der.js';
import { OID } from '../../src/pki/oid.js';
import { parseCertificationRequest } from '../../src/pki/pkcs10.js';
import type { RsaPrivateKey } from '../../src/pki/rsa-key.js';
import { buildCertificate } from '../../src/pki/x509-build.js';
import { certificateToPem, parseCertificates } from '../../src/pki/x509.js';
import { asciiBytes, utf8String } from '../../src/util/bytes.js';
import { nodeRsaKey } from './keys.js';
import { findPeer } from './peers.js';
import { tempDir } from './temp-dirs.js';

export interface RunningCa {
  readonly url: string;
  readonly caCert: Certificate;
  readonly caFile: string;
  stop(): Promise<void>;
}

async function waitUntilServing(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`scepserver exited: ${log()}`);
    try {
      const res = await fetch(`${url}?operation=GetCACaps`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`scepserver did not start: ${log()}`);
}

export const scepserverPath = (): string | undefined => findPeer('scepserver', 'scep');

/**
 * micromdm scepserver with a new CA, requiring `challenge`. `-allowrenew 0`: by default it
 * refuses a second certificate for a subject that already has a valid one, which usage keys
 * (two requests, one subject) and repeated test runs would hit.
 */
export async function startScepServer(program: string, challenge: string, port: number): Promise<RunningCa> {
  const depot = join(tempDir('scep'), 'depot');
  execFileSync(program, ['ca', '-init', '-depot', depot, '-keySize', '2048', '-organization', 'ssl3 test CA'], { stdio: 'ignore' });
  const child = spawn(program, ['-depot', depot, '-port', String(port), '-challenge', challenge, '-allowrenew', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const url = `http://127.0.0.1:${port}/scep`;
  await waitUntilServing(url, child, () => output);
  const caFile = join(depot, 'ca.pem');
  return {
    url,
    caFile,
    caCert: parseCertificates(readFileSync(caFile))[0],
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('close', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export type ScriptedAnswer = 'issue' | 'pending' | 'reject' | 'garbage';

export interface ScriptedCa extends RunningCa {
  readonly caKey: RsaPrivateKey;
  /** What PKIOperation answers next (the last entry repeats). */
  answers: ScriptedAnswer[];
  /** GetCACert answers garbage when set. */
  garbageCaCert: boolean;
  /** Act through an RA (RFC 8894 2.1.1): GetCACert sends RA + CA, requests go to the RA, the RA signs replies. */
  ra: boolean;
  /** The GetCACaps answer. */
  caps: string;
  readonly requests: number;
  /** How the last PKIOperation came: POST with a body, or GET with a base64 message. */
  readonly lastMethod?: string;
}

function printable(s: string): Uint8Array {
  return der.tlv(Tag.PRINTABLE_STRING, asciiBytes(s));
}

/**
 * The CertRep a scripted CA gives for a PKIOperation request `body` (RFC 8894 3.3.2): SUCCESS with
 * a server certificate (serial `serial`) enveloped to the requester, PENDING, or FAILURE
 * (badRequest), from `agent` (the CA itself, or its RA). The fuzz targets use it for their seed
 * replies too.
 */
export function scriptedCertRep(
  ca: { key: RsaPrivateKey; cert: Certificate },
  body: Uint8Array,
  answer: ScriptedAnswer,
  serial: bigint,
  agent: { key: RsaPrivateKey; certificate: Certificate } = { key: ca.key, certificate: ca.cert },
): Uint8Array {
  const { key: caKey, cert: caCert } = ca;
  const req = parseSignedData(body);
  const signer = req.signers[0];
  const requester = req.certificates[0];
  if (!signerVerifies(req, signer, requester)) throw new Error('request signature does not verify');
  const attr = (oid: string) => signer.attributes.get(oid)![0];
  const status = answer === 'issue' ? '0' : answer === 'pending' ? '3' : '2';
  let content: Uint8Array | undefined;
  if (answer === 'issue') {
    const inner = openEnvelopedData(req.content!, agent);
    const type = utf8String(attr(OID.scepMessageType).value);
    // PKCSReq carries the request; CertPoll only names it, so the requester's own certificate stands in.
    const csr = type === '19' ? parseCertificationRequest(inner) : undefined;
    const issued = buildCertificate({
      serialNumber: serial,
      subject: csr ? csr.subject : requester.subject,
      issuerCertificate: caCert,
      signingKey: caKey,
      publicKey: (csr?.publicKey.rsa ?? requester.publicKey.rsa)!,
      notBefore: new Date(Date.now() - 3_600_000),
      notAfter: new Date(Date.now() + 30 * 86_400_000),
      keyUsage: ['digitalSignature', 'keyEncipherment'],
      extendedKeyUsage: ['serverAuth', 'clientAuth'],
      subjectAltName: { dns: ['localhost'], ip: ['127.0.0.1'] },
    });
    content = buildEnvelopedData({ content: certificatesOnly([issued, caCert]), recipient: requester, cipher: 'des-ede3-cbc' });
  }
  return buildSignedData({
    content,
    signer: agent,
    attributes: [
      { oid: OID.scepTransactionId, values: [attr(OID.scepTransactionId).raw] },
      { oid: OID.scepMessageType, values: [printable('3')] },
      { oid: OID.scepPkiStatus, values: [printable(status)] },
      ...(status === '2' ? [{ oid: OID.scepFailInfo, values: [printable('2')] }] : []),
      { oid: OID.scepRecipientNonce, values: [der.octetString(attr(OID.scepSenderNonce).value)] },
      { oid: OID.scepSenderNonce, values: [der.octetString(new Uint8Array(16).fill(7))] },
    ],
  });
}

/**
 * A scripted SCEP CA that issues server certificates (serverAuth, keyEncipherment) when told to.
 * By default it is a CA of its own; given `ca`, it issues for that CA (one run by `openssl ca`,
 * whose CRLs then cover what it issued).
 */
export async function startScriptedCa(dir: string, options: { ca?: { cert: Certificate; key: RsaPrivateKey } } = {}): Promise<ScriptedCa> {
  const caKey = options.ca?.key ?? nodeRsaKey(2048);
  const now = Date.now();
  const caCert =
    options.ca?.cert ??
    buildCertificate({
      subject: 'C=US, O=ssl3 scripted CA, CN=Scripted SCEP CA',
      notBefore: new Date(now - 3_600_000),
      notAfter: new Date(now + 30 * 86_400_000),
      publicKey: caKey,
      signingKey: caKey,
      ca: true,
      keyUsage: ['keyCertSign', 'cRLSign', 'digitalSignature', 'keyEncipherment'],
    });
  const caFile = join(dir, 'scripted-ca.pem');
  writeFileSync(caFile, certificateToPem(caCert));
  let serial = 100n;
  const state = { answers: ['issue'] as ScriptedAnswer[], garbageCaCert: false, ra: false, caps: 'POSTPKIOperation\nSHA-256\nDES3\n', requests: 0, lastMethod: undefined as string | undefined };
  const raKey = nodeRsaKey(1024);
  const raCert = buildCertificate({
    subject: 'C=US, O=ssl3 scripted CA, CN=Scripted SCEP RA',
    issuerCertificate: caCert,
    signingKey: caKey,
    publicKey: raKey,
    notBefore: new Date(now - 3_600_000),
    notAfter: new Date(now + 30 * 86_400_000),
    keyUsage: ['digitalSignature', 'keyEncipherment'],
  });
  const agent = () => (state.ra ? { key: raKey, certificate: raCert } : { key: caKey, certificate: caCert });

  const certRep = (body: Uint8Array): Uint8Array => {
    const answer = state.answers.length > 1 ? state.answers.shift()! : state.answers[0];
    return scriptedCertRep({ cert: caCert, key: caKey }, body, answer, serial++, agent());
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const op = url.searchParams.get('operation');
      if (op === 'GetCACaps') return res.end(state.caps);
      if (op === 'GetCACert') {
        if (state.garbageCaCert) return res.end(Buffer.from('<html>not a certificate</html>'));
        res.setHeader('Content-Type', state.ra ? 'application/x-x509-ca-ra-cert' : 'application/x-x509-ca-cert');
        return res.end(Buffer.from(state.ra ? certificatesOnly([raCert, caCert]) : caCert.raw));
      }
      if (op === 'PKIOperation') {
        state.requests++;
        state.lastMethod = req.method;
        if (state.answers[0] === 'garbage') return res.end(Buffer.from('garbage, not CMS'));
        const message = req.method === 'GET' ? Buffer.from(url.searchParams.get('message') ?? '', 'base64') : Buffer.concat(chunks);
        res.setHeader('Content-Type', 'application/x-pki-message');
        return res.end(Buffer.from(certRep(new Uint8Array(message))));
      }
      res.statusCode = 404;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    url: `http://127.0.0.1:${port}/scep`,
    caCert,
    caKey,
    caFile,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }) as ScriptedCa;
}
