/** The HTTPS layer's public surface, shaped like node:https, with the IOS server policies. */
export { createServer, HttpsServer, type HttpsServerOptions, type RequestHandler } from './https-server.js';
export { createHttpServer, HttpServer, type HttpServerOptions } from './http-server.js';
export { PolicyServer, ServerPolicy, type ServerPolicyOptions } from './server-policy.js';
export {
  AccessListError,
  accessPermits,
  checkAccess,
  formatAccessEntry,
  parseAccessEntry,
  parseAccessList,
  parseAccessListCommand,
  type AccessEntry,
  type AccessList,
} from './access-list.js';
export { ConnectionLimit, DEFAULT_MAX_CONNECTIONS, type ConnectionCounters, type ConnectionGate, type Slot } from './connection-limit.js';
export { DEFAULT_TIMEOUT_POLICY, parseTimeoutPolicy, resolveTimeoutPolicy, TIMEOUT_POLICY_RANGES, type TimeoutPolicy } from './timeout-policy.js';
export { BasicAuth, IOS_REALM, parseUsersFile, type BasicAuthOptions } from './basic-auth.js';
export { formatAccessLogLine, type AccessLogEntry, type AccessLogSink } from './access-log.js';
export { Agent, get, request, type AgentOptions, type RequestOptions } from './https-client.js';
export { followResponseEnd, isCloseDelimited, responseEnd, TruncatedResponseError, type ResponseEnd } from './response-end.js';
export { Bridge, createBridge, type BridgeOptions } from './bridge.js';
export { Forwarder, clientSideCookie, endToEndHeaders, serviceForwarder, type ForwarderOptions, type UpstreamRequest } from './forwarder.js';
export { serveStatic } from './static-files.js';
export { statusPage } from './status-page.js';
export { CRL_LDAP_ATTRIBUTES, crlFetcher, fetchCrl, parseLdapUrl, type CrlFetchOptions, type LdapTarget } from './crl-fetch.js';
