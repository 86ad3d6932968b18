/**
 * Bare-LF request heads, RFC 9112 section 2.2: "a recipient MAY recognize a single LF as a
 * line terminator and ignore any preceding CR". Old clients and test tools send
 * `GET / HTTP/1.0\n\n`, and the servers they were written against (IOS, OpenSSL's s_server)
 * answer; node:http's parser insists on CRLF, and its only other mode (insecureHTTPParser)
 * relaxes everything at once, request smuggling included. So this filter sits in front of the
 * strict parser and changes one thing: in a request head, an LF without a CR before it
 * becomes CRLF. Everything else (bare CR, obs-fold, bad header characters, conflicting
 * Content-Length or Transfer-Encoding) still meets node's strict parser and gets a 400.
 *
 * The filter must never rewrite a byte of a body, so it only needs to know where heads are,
 * and it errs on the side of stopping: after a head that lets anything but another head
 * follow (Content-Length, Transfer-Encoding, Upgrade, or a CONNECT), it passes every later
 * byte of the connection through untouched; the next requests on that connection need CRLF.
 * A head with none of those has no body (RFC 9112 6.3: a request without either has length
 * zero), so the next byte starts the next head, for node's parser as for this filter.
 * The reverse proxy forwards what node parsed, re-serialized with CRLF, never these bytes.
 */

const CR = 0x0d;
const LF = 0x0a;
/** Enough of a line to recognise the field names below, with some leading whitespace. */
const PREFIX = 32;
const REQUEST_LINE_OPENS_TUNNEL = /^connect[ \t]/i;
/** Fields after which the bytes that follow the head are not a head (erring wide: names with spaces around them too). */
const FIELD_ANNOUNCES_MORE = /^[ \t]*(content-length|transfer-encoding|upgrade)[ \t]*:/i;

/** A stateful filter for one connection's request bytes: heads with bare LFs come out with CRLFs. */
export function bareLfRequestFilter(): (bytes: Uint8Array) => Uint8Array {
  let passThrough = false;
  let afterCr = false;
  let line = '';
  let lineLength = 0;
  let headLines = 0;
  let moreFollows = false;

  /** Handles the end of a line; true when it ended a head after which no head follows. */
  const endLine = (): boolean => {
    const length = lineLength - (afterCr ? 1 : 0);
    const text = line;
    line = '';
    lineLength = 0;
    afterCr = false;
    if (length > 0) {
      headLines++;
      if (headLines === 1 ? REQUEST_LINE_OPENS_TUNNEL.test(text) : FIELD_ANNOUNCES_MORE.test(text)) moreFollows = true;
      return false;
    }
    if (headLines === 0) return false; // empty lines before a request line (RFC 9112 2.2)
    headLines = 0;
    const more = moreFollows;
    moreFollows = false;
    return more;
  };

  return (bytes) => {
    if (passThrough) return bytes;
    let out: Uint8Array | undefined;
    let o = 0;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (b === LF && !afterCr) {
        if (!out) {
          // The first bare LF of this chunk: from here on the output differs from the input.
          out = new Uint8Array(bytes.length * 2);
          out.set(bytes.subarray(0, i));
          o = i;
        }
        out[o++] = CR;
      }
      if (out) out[o++] = b;
      if (b === LF) {
        if (endLine()) {
          passThrough = true;
          if (!out) return bytes;
          out.set(bytes.subarray(i + 1), o);
          return out.subarray(0, o + bytes.length - i - 1);
        }
        continue;
      }
      if (lineLength < PREFIX) line += String.fromCharCode(b);
      lineLength++;
      afterCr = b === CR;
    }
    return out ? out.subarray(0, o) : bytes;
  };
}
