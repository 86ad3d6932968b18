/**
 * Step sequences most conversations start from: a correct full handshake in either role
 * (RFC 6101 5.5, figure 1), an abbreviated one resuming a session (figure 2), and an HTTP
 * request and its answer. A check spreads one into its steps and changes the step it is
 * about, so everything but that step stays correct.
 */
import type { ClientHelloFields, ServerHelloFields, Step } from './steps.js';

/** ClientHello, the server's flight, ClientKeyExchange, ChangeCipherSpec, Finished, the server's ChangeCipherSpec and Finished. */
export function clientHandshake(hello: ClientHelloFields = {}): Step[] {
  return [...clientHello(hello), ...clientFinish()];
}

/** The ClientHello and the server's first flight (without a CertificateRequest). */
export function clientHello(hello: ClientHelloFields = {}): Step[] {
  return [{ send: 'client_hello', ...hello }, { expect: 'server_hello' }, { expect: 'certificate' }, { expect: 'server_hello_done' }];
}

/** From the ClientKeyExchange to the server's verified Finished. */
export function clientFinish(): Step[] {
  return [{ send: 'client_key_exchange' }, { send: 'change_cipher_spec' }, { send: 'finished' }, { expect: 'change_cipher_spec' }, { expect: 'finished' }];
}

/** Resuming the run's session (RunOptions.session): the server's ChangeCipherSpec and Finished come first. */
export function clientResumption(hello: ClientHelloFields = {}): Step[] {
  return [
    { send: 'client_hello', ...hello },
    { expect: 'server_hello', fields: { resumed: true } },
    { expect: 'change_cipher_spec' },
    { expect: 'finished' },
    { send: 'change_cipher_spec' },
    { send: 'finished' },
  ];
}

/** Either form of ClientHello: old clients still send the SSL 2.0 one (RFC 6101 Appendix E). */
export const EXPECT_CLIENT_HELLO: Step = { expect: 'one_of', options: [{ expect: 'client_hello' }, { expect: 'sslv2_client_hello' }] };

/** The client's hello, our flight, the client's key exchange and Finished, ours. */
export function serverHandshake(hello: ServerHelloFields = {}): Step[] {
  return [EXPECT_CLIENT_HELLO, ...serverFlight(hello), ...serverFinish()];
}

/** ServerHello, Certificate, ServerHelloDone. */
export function serverFlight(hello: ServerHelloFields = {}): Step[] {
  return [{ send: 'server_hello', ...hello }, { send: 'certificate' }, { send: 'server_hello_done' }];
}

/** The client's ClientKeyExchange, ChangeCipherSpec and verified Finished, then ours. */
export function serverFinish(): Step[] {
  return [
    { expect: 'client_key_exchange' },
    { expect: 'change_cipher_spec' },
    { expect: 'finished' },
    { send: 'change_cipher_spec' },
    { send: 'finished' },
  ];
}

/** An HTTP/1.0 request and a response that starts as one. */
export function httpRequest(path = '/'): Step[] {
  return [
    { send: 'application_data', data: `GET ${path} HTTP/1.0\r\n\r\n` },
    { expect: 'application_data', contains: 'HTTP/' },
  ];
}
