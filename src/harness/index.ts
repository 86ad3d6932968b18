/**
 * `ssl3/harness`: a scriptable SSL 3.0 peer that can misbehave, for protocol testers.
 * Conversations are data (steps.ts); run one as a client against any host:port
 * (runAgainst), or listen and play it as the server to whatever client connects
 * (listenConversations), or over any byte transport (runConversation with a Wire). The
 * keys, hashes and record protection are the engine's own (RFC 6101), so a misbehaviour
 * changes exactly what the step says and nothing else.
 */
export type {
  AlertRef,
  Bytes,
  ClientHelloFields,
  ClientKeyExchangeFields,
  ContentName,
  Conversation,
  Delivery,
  ExpectOptions,
  ExpectStep,
  MessageName,
  MessageOptions,
  MessageSend,
  Pkcs1Fault,
  RecordSend,
  RecordShape,
  SendStep,
  ServerHelloExpectation,
  ServerHelloFields,
  Step,
  SuiteRef,
  WaitStep,
} from './steps.js';
export { runConversation, describeStep, type ConversationResult, type RunOptions, type StepFailure, type Wire } from './runner.js';
export { runAgainst, listenConversations, socketWire, type ConversationListener, type Target } from './transport.js';
export { describeArrival, type Arrival } from './inbound.js';
export { describeExpectation } from './expect.js';
export type { HarnessIdentity } from './peer-state.js';
export { HarnessError } from './records.js';
export { clientFinish, clientHandshake, clientHello, clientResumption, EXPECT_CLIENT_HELLO, httpRequest, serverFinish, serverFlight, serverHandshake } from './scripts.js';
export { formatResult, formatTrace } from './report.js';
export { identityFrom } from './identity.js';
export { checkServer, SERVER_CHECKS, type CheckServerOptions } from './check/server-suite.js';
export type { Check, CheckResult, CheckStatus, Runner } from './check/check.js';
export type { ServerContext } from './check/server-context.js';
export { checkJunit, checkReport, summarize, type CheckSummary } from './check/report.js';
export { CLIENT_CHECKS, clientContext, type ClientContext } from './check/client-suite.js';
export { checkClients, type CheckClientsOptions, type ClientCheckRun } from './check/client-runner.js';
export { clientCheckPki, testCa, type ClientCheckPki } from './check/client-pki.js';
export { probeServer, weaknessesOf, type ProbeOptions, type ProbeReport } from './probe/probe.js';
export { summarizeCertificate, type CertificateSummary } from './probe/certificate-summary.js';
