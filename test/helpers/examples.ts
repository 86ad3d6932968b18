/**
 * What each self-contained TypeScript example in examples/ prints, checked the same way when
 * it runs from the checkout (test/docs/examples.test.ts) and from the installed package
 * (test/package/package.test.ts).
 */
import { expect } from 'vitest';

export const SELF_CONTAINED_EXAMPLES = ['https', 'sockets', 'policy', 'engine', 'harness', 'harness-server'] as const;
export type SelfContainedExample = (typeof SELF_CONTAINED_EXAMPLES)[number];

export function expectExampleOutput(name: SelfContainedExample, stdout: string): void {
  switch (name) {
    case 'https':
      expect(stdout).toBe('200 hello over SSLv3 with RC4-SHA\n');
      return;
    case 'sockets':
      expect(stdout).toBe('SSLv3 AES128-SHA, server device.example, resumed false\necho: hello\nSSLv3 AES128-SHA, server device.example, resumed true\necho: hello\n');
      return;
    case 'policy':
      expect(stdout).toBe(
        [
          'log: GET / 401 aes-256-cbc-sha user=-',
          'without credentials: 401',
          'log: GET / 200 aes-256-cbc-sha user=admin',
          'as admin: 200',
          'connections accepted 2, denied 0; requests 2',
          '',
        ].join('\n'),
      );
      return;
    case 'harness':
      expect(stdout).toBe(
        [
          'PASS a correct handshake and request',
          'PASS one MAC byte flipped (RFC 6101 5.2.3.1)',
          'PASS ChangeCipherSpec before the key exchange (CVE-2014-0224)',
          'FAIL a TLS 1.0 answer to a TLS 1.0 hello: step 2 expected server_hello (version 3.1); got server_hello (77 bytes) (its version is 3.0)',
          '',
        ].join('\n'),
      );
      return;
    case 'harness-server':
      expect(stdout).toBe(
        ['client read "hello"', 'client refused: server chose version 3.1; only SSL 3.0 is offered', 'PASS a correct server', 'PASS a ServerHello that claims TLS 1.0', ''].join('\n'),
      );
      return;
    case 'engine': {
      const lines = stdout.split('\n');
      // The trace starts with our ClientHello and shows the server's flight and both Finished.
      expect(lines[0]).toBe('>>   client_hello, 43 bytes');
      for (const message of ['<<   server_hello, 45 bytes', '<<   certificate, ', '<<   server_hello_done, 0 bytes', '>>   client_key_exchange, 128 bytes', '>>   finished, 36 bytes', '<<   finished, 36 bytes']) {
        expect(
          lines.some((l) => l.startsWith(message)),
          message,
        ).toBe(true);
      }
      expect(lines.slice(-8)).toEqual([
        'handshake done: SSL_RSA_WITH_RC4_128_MD5',
        '>> record application_data, 13 bytes (encrypted)',
        '<< record application_data, 23 bytes (encrypted)',
        'you said: hello, engine',
        '>> record alert, 2 bytes (encrypted)',
        '<< record alert, 2 bytes (encrypted)',
        'closed cleanly',
        '',
      ]);
      return;
    }
  }
}
