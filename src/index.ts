/**
 * The ssl3 package: an SSL 3.0 stack (RFC 6101) in TypeScript. The socket API follows node:tls,
 * the HTTPS one node:https; the sans-I/O Connection underneath is public for tests, tracing
 * and tools that bring their own transport.
 */
export { connect, createServer, SSLServer, SSLSocket, type ClientAuthOptions, type ConnectOptions, type ServerIdentity, type ServerOptions, type SessionStoreProvider } from './socket/index.js';
export { RsaPool } from './socket/rsa-pool.js';
export type { PrivateKeyOperations } from './handshake/private-key.js';
export type { CipherInfo } from './socket/ssl-socket.js';
export type { PeerCertificate } from './socket/peer-certificate.js';
export type { PemInput } from './socket/options.js';
export * as https from './http/index.js';
export { Connection, type CloseInfo, type ConnectionEvents, type ConnectionOptions, type Role, type TraceEvent } from './connection/connection.js';
export type { HandshakeOptions, HandshakeResult, PeerVerdict } from './handshake/context.js';
export { SessionCache, type Session, type SessionStore } from './handshake/session.js';
export { formatTraceEvent, textTracer } from './trace/text-trace.js';
export { jsonTracer, traceEventObject, type JsonTraceContext } from './trace/json-trace.js';
export { handshakeFields, type HandshakeField } from './trace/handshake-fields.js';
export { PcapFile, PcapFlow, type Flow, type FlowEndpoints, type FlowRecorder, type PcapDirection, type PcapFileOptions } from './trace/pcap.js';
export { CIPHER_SUITES, DEFAULT_SUITES, parseSuiteList, suiteById, suiteByName, type CipherSuite } from './ciphers/suites.js';
export { generateRsaKey, type RsaPrivateKey, type RsaPublicKey } from './pki/rsa.js';
export { parsePrivateKey, privateKeyToPem } from './pki/keys.js';
export { selfSignedCertificate, type SelfSignedOptions } from './pki/selfsign.js';
export type { Certificate } from './pki/certificate.js';
export { parsePin, type Pin } from './pki/pin.js';
export { buildCertificate, type BuildCertificateOptions } from './pki/x509-build.js';
export { parseCertificate, parseCertificates, certificateToPem, fingerprint } from './pki/x509.js';
export { describeCertificate } from './pki/x509-text.js';
export { verifyChain } from './pki/verify.js';
export { CRL_REASONS, CrlError, crlFreshness, crlProblem, findRevoked, parseCrl, parseCrls, type Crl, type CrlReason, type RevokedCertificate } from './pki/crl.js';
export { CrlCache, type CrlCacheOptions, type CrlListing } from './pki/crl-cache.js';
export { checkRevocation, REVOCATION_MODES, type CrlFetcher, type RevocationDecision, type RevocationMode, type RevocationOptions } from './pki/revocation.js';
export type { RevocationInput } from './socket/options.js';
export { Ssl3Error } from './util/errors.js';
export { SslError, SslAlertError, PeerAlertError, ALERTS, FAILURE_ALERTS, alertFor, type FailureKind, type SslErrorKind } from './record/alerts.js';
