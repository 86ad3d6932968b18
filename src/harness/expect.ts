/**
 * Whether what arrived is what an expect step asked for, and if not, why not: message types
 * (RFC 6101 5.6), Finished and CertificateVerify that verify (5.6.9, 5.6.8), the ServerHello
 * fields a check names (version 5.6.1.3, suite, compression, resumption, RFC 5746's
 * renegotiation_info), alerts by name and level (5.4), application data, the transport's end.
 */
import { ALERTS, AlertLevel } from '../record/alerts.js';
import { HandshakeType, decodeServerHello, findRenegotiationInfo } from '../handshake/messages.js';
import { suiteById } from '../ciphers/suites.js';
import { bytesEqual, toHex } from '../util/bytes.js';
import type { Arrival } from './inbound.js';
import { suiteId } from './outgoing.js';
import type { AlertRef, ExpectStep, ServerHelloExpectation, SuiteRef } from './steps.js';

export type Verdict = { readonly ok: true } | { readonly ok: false; readonly why: string };

const OK: Verdict = { ok: true };
const no = (why: string): Verdict => ({ ok: false, why });

function list<T>(x: T | readonly T[] | undefined): readonly T[] | undefined {
  return x === undefined ? undefined : Array.isArray(x) ? (x as readonly T[]) : [x as T];
}

function alertCode(ref: AlertRef): number {
  return typeof ref === 'number' ? ref : ALERTS[ref];
}

const versionText = (v: number) => `${v >> 8}.${v & 0xff}`;
const suiteText = (ref: SuiteRef) => (typeof ref === 'number' ? (suiteById(ref)?.iosKeyword ?? `0x${ref.toString(16).padStart(4, '0')}`) : ref);

/** What a step expects, in a few words. */
export function describeExpectation(step: ExpectStep): string {
  switch (step.expect) {
    case 'alert': {
      const names = list(step.alert)?.map((a) => (typeof a === 'number' ? String(a) : a));
      const kind = `${step.level ? `${step.level} ` : ''}${step.ssl3 ? 'SSL 3.0 ' : ''}alert`;
      return `${kind}${names ? ` ${names.join(' or ')}` : ''}${step.orClose ? ', or the connection closed' : ''}`;
    }
    case 'application_data':
      return `application data${step.contains !== undefined ? ` containing ${JSON.stringify(step.contains)}` : ''}${step.firstRecordAtMost !== undefined ? `, its first record at most ${step.firstRecordAtMost} bytes` : ''}`;
    case 'close':
      return 'the connection closed';
    case 'nothing':
      return `nothing within ${step.ms} ms`;
    case 'one_of':
      return step.options.map(describeExpectation).join('; or ');
    case 'change_cipher_spec':
    case 'sslv2_client_hello':
      return step.expect;
    default: {
      const f = step.fields;
      const parts: string[] = [];
      if (f?.version !== undefined) parts.push(`version ${list(f.version)!.map(versionText).join(' or ')}`);
      if (f?.suite !== undefined) parts.push(`suite ${list(f.suite)!.map(suiteText).join(' or ')}`);
      if (f?.compression !== undefined) parts.push(`compression ${f.compression}`);
      if (f?.resumed !== undefined) parts.push(f.resumed ? 'resuming the session' : 'a new session');
      if (f?.renegotiationInfo) parts.push(`renegotiation_info ${f.renegotiationInfo}`);
      if ((step.expect === 'finished' || step.expect === 'certificate_verify') && step.verify !== false) parts.push('that verifies');
      return `${step.expect}${parts.length ? ` (${parts.join(', ')})` : ''}`;
    }
  }
}

/** Matches one arrival (undefined: nothing came in time) against a single-arrival expectation. */
export function matchArrival(step: ExpectStep, a: Arrival | undefined, waitedMs: number): Verdict {
  if (step.expect === 'one_of') {
    const reasons = step.options.map((o) => matchArrival(o, a, waitedMs));
    return reasons.some((r) => r.ok) ? OK : no(reasons.map((r) => (r.ok ? '' : r.why)).join('; '));
  }
  if (step.expect === 'nothing') return a ? no('something arrived') : OK;
  if (!a) return no(`nothing arrived within ${waitedMs} ms`);
  switch (step.expect) {
    case 'close':
      return a.kind === 'close' ? OK : no('the connection is still open');
    case 'change_cipher_spec':
      if (a.kind !== 'change_cipher_spec') return no('not a ChangeCipherSpec');
      return a.body.length === 1 && a.body[0] === 1 ? OK : no(`a ChangeCipherSpec whose body is ${toHex(a.body)}, not 01 (RFC 6101 5.3)`);
    case 'sslv2_client_hello':
      return a.kind === 'sslv2_client_hello' ? OK : no('not an SSLv2-format ClientHello');
    case 'alert': {
      if (a.kind === 'close' && step.orClose) return OK;
      if (a.kind !== 'alert') return no('not an alert');
      if (step.level && a.level !== AlertLevel[step.level]) return no(`not a ${step.level} alert`);
      if (step.ssl3 && !Object.values(ALERTS).includes(a.description as never)) return no('SSL 3.0 has no such alert (RFC 6101 5.4.2)');
      const wanted = list(step.alert)?.map(alertCode);
      return !wanted || wanted.includes(a.description) ? OK : no(`not ${list(step.alert)!.join(' or ')}`);
    }
    case 'application_data': {
      if (a.kind !== 'application_data') return no('not application data');
      // `contains` may take several records: the runner gathers them (runner.ts).
      if (step.firstRecordAtMost !== undefined && a.data.length > step.firstRecordAtMost) return no(`its first record holds ${a.data.length} bytes`);
      return OK;
    }
    default:
      return matchMessage(step, a);
  }
}

function matchMessage(step: Extract<ExpectStep, { expect: keyof typeof HandshakeType }>, a: Arrival): Verdict {
  if (a.kind !== 'handshake' || a.type !== HandshakeType[step.expect]) return no(`not ${step.expect}`);
  if ((step.expect === 'finished' || step.expect === 'certificate_verify') && step.verify !== false && a.verified !== true) {
    return no(a.verified === false ? `the ${step.expect} does not verify` : `the ${step.expect} cannot be checked: this side has no master secret`);
  }
  if (!step.fields) return OK;
  if (step.expect !== 'server_hello') return no('fields can be checked on a server_hello only');
  return matchServerHello(step.fields, a);
}

function matchServerHello(f: ServerHelloExpectation, a: Extract<Arrival, { kind: 'handshake' }>): Verdict {
  let hello;
  try {
    hello = decodeServerHello(a.body);
  } catch (e) {
    return no(`the server_hello does not decode: ${(e as Error).message}`);
  }
  const versions = list(f.version);
  if (versions && !versions.includes(hello.version)) return no(`its version is ${versionText(hello.version)}`);
  const suites = list(f.suite)?.map(suiteId);
  if (suites && !suites.includes(hello.cipherSuite)) return no(`its suite is ${suiteText(hello.cipherSuite)}`);
  if (f.compression !== undefined && hello.compressionMethod !== f.compression) return no(`its compression method is ${hello.compressionMethod}`);
  if (f.resumed !== undefined && a.resumed !== f.resumed) return no(f.resumed ? 'it starts a new session' : 'it resumes the session offered');
  if (f.renegotiationInfo) {
    let info: Uint8Array | undefined;
    try {
      info = findRenegotiationInfo(hello.extensions);
    } catch (e) {
      return no((e as Error).message);
    }
    if (f.renegotiationInfo === 'absent') return info === undefined ? OK : no('it carries renegotiation_info');
    if (info === undefined) return no('it carries no renegotiation_info');
    if (!bytesEqual(info, a.correctRenegotiationInfo ?? new Uint8Array(0))) return no(`its renegotiation_info is ${toHex(info) || '(empty)'}, not ${toHex(a.correctRenegotiationInfo ?? new Uint8Array(0)) || '(empty)'}`);
  }
  return OK;
}
