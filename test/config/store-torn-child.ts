// Child process of store.test.ts's torn-write test: saves configuration A with a
// general-purpose key ring and configuration B with a usage-keys ring (plus a trustpoint's CA
// certificate) in turn, forever, until the parent kills it with SIGKILL.
// Usage: tsx store-torn-child.ts DIR '{"a": TEXT, "b": TEXT}'
// Prints one JSON line before the first save: the hex key identifiers of each ring's keys,
// so the parent can tell which ring a loaded key came from.
import { generateKeyPairs, selfSignedCertificates } from '../../src/config/keyring.js';
import type { KeyRing } from '../../src/config/model.js';
import { DataDirectory } from '../../src/config/store.js';
import { keyIdentifier } from '../../src/pki/x509-build.js';

const [dir, textsJson] = process.argv.slice(2);
const texts = JSON.parse(textsJson) as { a: string; b: string };

function ring(name: string, usageKeys: boolean): KeyRing {
  const keys = generateKeyPairs(name, { usageKeys, modulus: 512 });
  return { keys, certificates: selfSignedCertificates(keys, name) };
}

const a = ring('a.example.com', false);
const b = ring('b.example.com', true);
b.certificates.push({ trustpoint: 'CA-trust-local', usage: 'ca', certificate: a.certificates[0].certificate });

const ids = (r: KeyRing) => r.keys.map((k) => Buffer.from(keyIdentifier(k.key)).toString('hex'));
process.stdout.write(`${JSON.stringify({ a: ids(a), b: ids(b) })}\n`);

const store = new DataDirectory(dir);
for (;;) {
  await store.save(texts.a, a);
  await store.save(texts.b, b);
}
