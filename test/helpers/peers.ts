/**
 * Finding outside programs the tests compare against (openssl, keytool, later JSSE, NSS,
 * tshark). On a user's machine a missing one skips its tests with a message naming it; with
 * SSL3_REQUIRE_PEERS=1 (as .ci/run sets) a missing one fails the run instead.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const REQUIRED = process.env.SSL3_REQUIRE_PEERS === '1';

function onPath(program: string): string | undefined {
  if (program.includes('/')) return existsSync(program) ? program : undefined;
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(`${dir}/${program}`)) return `${dir}/${program}`;
  }
  return undefined;
}

/**
 * The path of `program`, or undefined (after saying which peer is missing and how to get it).
 * Throws when peers are required. `extraDirs` are searched after PATH: daemons such as slapd
 * live in /usr/sbin, which a user's PATH often lacks.
 */
export function findPeer(program: string, debianPackage: string, extraDirs: readonly string[] = []): string | undefined {
  const path = onPath(program) ?? extraDirs.map((d) => `${d}/${program}`).find((p) => existsSync(p));
  if (path) return path;
  const message = `peer missing: '${program}' is not installed (Debian package ${debianPackage}); its tests are skipped`;
  if (REQUIRED) throw new Error(`${message.replace('; its tests are skipped', '')} and SSL3_REQUIRE_PEERS=1`);
  console.warn(message);
  return undefined;
}

/** Whether node can load OpenSSL's legacy provider (native RC4 and single DES). */
export function legacyProviderAvailable(): boolean {
  try {
    execFileSync(process.execPath, ['--openssl-legacy-provider', '-e', "require('crypto').createCipheriv('rc4', Buffer.alloc(16), null)"], {
      stdio: 'ignore',
    });
    return true;
  } catch {
    if (REQUIRED) throw new Error("node's OpenSSL legacy provider is unavailable (native RC4/DES) and SSL3_REQUIRE_PEERS=1");
    console.warn("peer missing: node's OpenSSL legacy provider (native RC4/DES); differential tests against it are skipped");
    return false;
  }
}
