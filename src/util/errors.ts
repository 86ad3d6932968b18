/**
 * The project's typed errors. Every failure the library raises on purpose is an Ssl3Error
 * with a stable `code`, so callers (and the alert mapping in the handshake layer) can switch
 * on the code instead of parsing messages.
 */

export class Ssl3Error extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Misuse or bad input of a symmetric cipher: key, IV or data length, padding. */
export class CipherError extends Ssl3Error {}

/** Unknown or unusable cipher-suite name or id. */
export class SuiteError extends Ssl3Error {}

/** RSA key generation, encoding, encryption and signature failures. */
export class RsaError extends Ssl3Error {}
