/**
 * The pieces of the revocation tests that more than one test file uses (test/interop/crl.test.ts
 * on the library, test/interop/trustpoint-crl.test.ts at the IOS console):
 * - the matrix the issue asks for: what each mode (RFC 5280 checking under IOS's `crl` policies,
 *   src/pki/revocation.ts) does with a good and a revoked client certificate when the CRL is
 *   unreachable, stale, badly signed or good;
 * - the four conditions as bytes, made by `openssl ca -gencrl` (a stale CRL: both dates in the
 *   past; a badly signed one: a good CRL with its signature's last byte flipped);
 * - a CRL distribution point on node:http that serves whatever a test puts there and counts
 *   the requests (so a test can tell that `crl optional` fetched nothing);
 * - our client presenting a certificate, with the outcome as the server's alert.
 */
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { connect } from '../../src/socket/index.js';
import type { RevocationMode } from '../../src/pki/revocation.js';
import type { CrlFiles, IssuedCert, OpensslCa } from './openssl-ca.js';

const HOST = '127.0.0.1';

export type Condition = 'unreachable' | 'stale' | 'badly signed' | 'good';
export const CONDITIONS: readonly Condition[] = ['unreachable', 'stale', 'badly signed', 'good'];
export type Outcome = 'accepted' | 'certificate_revoked' | 'bad_certificate';

/**
 * What each mode does with a good and a revoked client certificate when the only CRL to be
 * had is in the given condition. `crl optional` fetches none: its CRL is one already at hand
 * (a configured file, or one cached earlier), so a good one there still refuses the revoked.
 */
export const EXPECTED: Record<RevocationMode, Record<Condition, [good: Outcome, revoked: Outcome]>> = {
  required: {
    unreachable: ['bad_certificate', 'bad_certificate'],
    stale: ['bad_certificate', 'bad_certificate'],
    'badly signed': ['bad_certificate', 'bad_certificate'],
    good: ['accepted', 'certificate_revoked'],
  },
  optional: {
    unreachable: ['accepted', 'accepted'],
    stale: ['accepted', 'accepted'],
    'badly signed': ['accepted', 'accepted'],
    good: ['accepted', 'certificate_revoked'],
  },
  'best-effort': {
    unreachable: ['accepted', 'accepted'],
    stale: ['accepted', 'accepted'],
    'badly signed': ['accepted', 'accepted'],
    good: ['accepted', 'certificate_revoked'],
  },
};

/** A current CRL, a stale one and a badly signed one from `ca`, as DER bytes and files (for ldapadd). */
export interface CrlConditions {
  good: CrlFiles;
  stale: CrlFiles;
  tampered: Uint8Array;
  tamperedFile: string;
}

/** Generates the CRLs of the conditions; call it after the revocations they must list. */
export function crlConditions(ca: OpensslCa): CrlConditions {
  const day = 24 * 3600_000;
  const good = ca.gencrl({ name: 'good' });
  const stale = ca.gencrl({ name: 'stale', lastUpdate: new Date(Date.now() - 2 * day), nextUpdate: new Date(Date.now() - day) });
  const tampered = Uint8Array.from(good.der);
  tampered[tampered.length - 1] ^= 0xff;
  const tamperedFile = join(ca.dir, 'tampered.der');
  writeFileSync(tamperedFile, tampered);
  return { good, stale, tampered, tamperedFile };
}

/** The bytes a source serves in a condition; undefined when it is unreachable. */
export function crlBytes(crls: CrlConditions, condition: Condition): Uint8Array | undefined {
  return { unreachable: undefined, stale: crls.stale.der, 'badly signed': crls.tampered, good: crls.good.der }[condition];
}

/** A CRL distribution point on node:http: GET /ca.crl answers `served`; `requests` counts every request. */
export class CrlWebServer {
  served: Uint8Array = new Uint8Array(0);
  requests = 0;
  /** http://127.0.0.1:PORT/ca.crl */
  url = '';
  private readonly server = http.createServer((req, res) => {
    this.requests++;
    if (req.url !== '/ca.crl') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(this.served);
  });

  static async start(): Promise<CrlWebServer> {
    const web = new CrlWebServer();
    web.server.listen(0, HOST);
    await once(web.server, 'listening');
    web.url = `http://${HOST}:${(web.server.address() as AddressInfo).port}/ca.crl`;
    return web;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * Our client presenting `client`'s certificate to the server on `port`, verifying the server
 * against `ca`: accepted, or the alert the server refused it with.
 */
export function attemptClientAuth(port: number, client: IssuedCert, ca: string, servername?: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: HOST, port, ca, servername, cert: client.certPem, key: client.keyPem });
    socket.once('secureConnect', () => {
      socket.end();
      resolve('accepted');
    });
    socket.once('error', (e: Error) => {
      const alert = /peer sent fatal alert (\w+)/.exec(e.message)?.[1];
      if (alert === 'certificate_revoked' || alert === 'bad_certificate') resolve(alert);
      else reject(e);
    });
  });
}
