/**
 * SCEP over HTTP (RFC 8894 section 4.1): `GET PATH?operation=OP&message=M`, or for
 * PKIOperation with POSTPKIOperation `POST PATH?operation=PKIOperation` with the DER as the
 * body. A binary message in a GET is base64, then URL-encoded (section 4.1). The path is the
 * enrollment URL's; an URL without one gets `/cgi-bin/pkiclient.exe`, the path SCEP CAs have
 * answered on since the first drafts and the one IOS appends.
 */
import { base64Encode } from '../pki/pem.js';
import { ScepError } from '../pki/scep.js';
import type { ScepResponse, ScepTransport } from '../pki/scep-client.js';
import { fetchHttp, FetchError, type FetchOptions } from './http-fetch.js';

export const DEFAULT_SCEP_PATH = '/cgi-bin/pkiclient.exe';

/** The URL requests go to: the enrollment URL, with the default path when it names none. */
export function scepEndpoint(enrollmentUrl: string): URL {
  const url = new URL(enrollmentUrl);
  if (url.pathname === '' || url.pathname === '/') url.pathname = DEFAULT_SCEP_PATH;
  url.search = '';
  return url;
}

export function httpScepTransport(enrollmentUrl: string, opts: Pick<FetchOptions, 'proxy' | 'timeoutMs'> = {}): ScepTransport {
  const endpoint = scepEndpoint(enrollmentUrl);
  return {
    async request(operation, message, method): Promise<ScepResponse> {
      const url = new URL(endpoint);
      url.searchParams.set('operation', operation);
      const binary = message instanceof Uint8Array;
      if (message !== undefined && (method === 'GET' || !binary)) url.searchParams.set('message', binary ? base64Encode(message) : message);
      let res;
      try {
        res = await fetchHttp(url, {
          ...opts,
          method,
          ...(method === 'POST' && binary ? { body: message, contentType: 'application/x-pki-message' } : {}),
        });
      } catch (e) {
        if (e instanceof FetchError) throw new ScepError(e.code, `${operation}: the CA ${e.message}`);
        throw e;
      }
      if (res.status < 200 || res.status > 299) throw new ScepError('HTTP_STATUS', `${operation}: the CA at ${endpoint.host} answered HTTP ${res.status}`);
      return { contentType: res.contentType, body: res.body };
    },
  };
}
