/**
 * AlgorithmIdentifier (RFC 5280 section 4.1.1.2): an OID and optional parameters, read the
 * same way by the key, PKCS #10 and CMS parsers.
 */
import { DerReader } from './der.js';

export interface AlgorithmIdentifier {
  readonly oid: string;
  /** The raw DER of the parameters, when present. */
  readonly params?: Uint8Array;
}

export function readAlgorithmIdentifier(r: DerReader, what: string): AlgorithmIdentifier {
  const s = r.sequence(what);
  const oid = s.oid();
  const params = s.done ? undefined : s.readTlv().raw;
  s.end(what);
  return params ? { oid, params } : { oid };
}
