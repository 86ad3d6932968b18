/**
 * The package as users get it: `npm pack` makes the tarball (running the build, as a publish
 * does), and an empty directory with nothing from the checkout installs it from that tarball
 * (its dependencies, TypeScript and @types/node come from the npm registry or its cache). There:
 * `npx ssl3 help`, a handshake between `ssl3 serve` and `ssl3 get`, and a TypeScript consumer
 * with `strict` on that imports every entry of the package's `exports` and compiles and runs
 * the package's own examples. The tarball must carry what the README and docs link to.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectExampleOutput, SELF_CONTAINED_EXAMPLES } from '../helpers/examples.js';
import { removeTempDirs, tempDir } from '../helpers/temp-dirs.js';
import { lessonIn } from '../helpers/lesson.js';
import { freePort, run } from '../interop/nss-helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  exports: Record<string, unknown>;
  files: string[];
  [field: string]: unknown;
};
/** The consumer compiles with the checkout's versions of these (the lock file's). */
const versionOf = (pkg: string) => (JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;

/** The environment without the npm_* variables of an `npm test` around us, so the inner npm runs as a user's would. */
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));

/** Runs a program in `cwd` as a user's shell would (no npm_* variables), for at most three minutes. */
const inDir = (program: string, args: string[], cwd: string) => run(program, args, { cwd, env: cleanEnv, timeoutMs: 180_000 });

let work: string;
let tarball: string;
/** The unpacked tarball (what npm put in node_modules/ssl3) and the consumer's directory. */
let installed: string;
let consumer: string;
let packedFiles: string[];

beforeAll(async () => {
  work = tempDir('package');
  const packed = await inDir('npm', ['pack', '--json', '--pack-destination', work], ROOT);
  expect(packed.code, packed.stderr).toBe(0);
  const [info] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
  tarball = join(work, info.filename);
  packedFiles = info.files.map((f) => f.path);

  consumer = join(work, 'consumer');
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  const install = await inDir(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, `typescript@${versionOf('typescript')}`, `@types/node@${versionOf('@types/node')}`],
    consumer,
  );
  expect(install.code, install.stderr).toBe(0);
  installed = join(consumer, 'node_modules', manifest.name);
}, 300_000);

afterAll(() => removeTempDirs());

describe('package.json', () => {
  it('has what a published package needs', () => {
    for (const field of ['name', 'version', 'description', 'keywords', 'license', 'type', 'engines', 'bin', 'main', 'types', 'exports', 'files']) {
      expect(manifest[field], field).toBeDefined();
    }
    expect(manifest.type).toBe('module');
    expect((manifest.engines as { node: string }).node).toMatch(/^>=20/);
    expect(manifest.exports['.']).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
    // The version users see is the one CHANGELOG.md starts with.
    expect(readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8')).toMatch(new RegExp(`^## \\[${manifest.version.replaceAll('.', '\\.')}\\]`, 'm'));
  });
});

describe('the tarball', () => {
  it('carries the build, the sources the source maps name, the docs, the examples, and no tests', () => {
    for (const file of ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'dist/viewer/viewer-page.js', 'src/index.ts', 'docs/architecture.md', 'examples/https.ts']) {
      expect(packedFiles, file).toContain(file);
    }
    expect(packedFiles.filter((f) => /^(test|bench|node_modules|\.ci)\//.test(f) || /^tsconfig/.test(f))).toEqual([]);
  });

  it('every relative link of its README and docs points to a file inside it', () => {
    const markdown = packedFiles.filter((f) => f.endsWith('.md'));
    const broken: string[] = [];
    for (const file of markdown) {
      const text = readFileSync(join(installed, file), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target) || target.startsWith('#')) continue;
        const abs = resolve(installed, dirname(file), target.replace(/#.*$/, ''));
        if (relative(installed, abs).startsWith('..') || !existsSync(abs)) broken.push(`${file} -> ${target}`);
      }
    }
    expect(markdown.length).toBeGreaterThan(5);
    expect(broken).toEqual([]);
  });
});

describe('the ssl3 command of the installed package', () => {
  it('npx ssl3 help lists the commands; --version is package.json\'s', async () => {
    const help = await inDir('npx', ['--no-install', 'ssl3', 'help'], consumer);
    expect(help.code, help.stderr).toBe(0);
    for (const command of ['serve', 'get', 'connect', 'bridge', 'console', 'enroll', 'keygen', 'selfsign', 'x509', 'explain', 'view']) expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    const version = await inDir('npx', ['--no-install', 'ssl3', '--version'], consumer);
    expect(version.stdout).toBe(`ssl3 ${manifest.version}\n`);
  });

  it('a reader that closes the pipe early ends the output quietly', async () => {
    const child = spawn(join(consumer, 'node_modules', '.bin', 'ssl3'), ['help'], { cwd: consumer, env: cleanEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('ssl3 serve and ssl3 get complete a handshake and a request', async () => {
    const bin = join(consumer, 'node_modules', '.bin', 'ssl3');
    expect((await inDir(bin, ['keygen', '--bits', '1024', '--out', 'server.key'], consumer)).code).toBe(0);
    expect((await inDir(bin, ['selfsign', '--key', 'server.key', '--host', 'localhost', '--ip', '127.0.0.1', '--out', 'server.pem'], consumer)).code).toBe(0);
    const port = await freePort();
    const server: ChildProcess = spawn(bin, ['serve', '--port', String(port), '--bind', '127.0.0.1', '--key', 'server.key', '--cert', 'server.pem'], { cwd: consumer, env: cleanEnv });
    try {
      const line = await new Promise<string>((ready, fail) => {
        let out = '';
        server.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) ready(out);
        });
        server.once('exit', (code) => fail(new Error(`ssl3 serve exited (${code}): ${out}`)));
      });
      const fp = /certificate SHA-256 ([0-9A-F:]+)/.exec(line)?.[1];
      expect(fp, line).toBeDefined();
      const get = await inDir(bin, ['get', '--pin', fp!, '--pcap', 'cap.pcap', '--keylog', 'keys.txt', `https://127.0.0.1:${port}/`], consumer);
      expect(get.code, get.stderr).toBe(0);
      // The status page names what was negotiated.
      expect(get.stdout).toContain('SSLv3');
      // ssl3 view works from the package as installed: its page script was built by the
      // package's build, since a user's install has no esbuild to build it with.
      expect(existsSync(join(consumer, 'node_modules', 'esbuild'))).toBe(false);
      const view = await inDir(bin, ['view', 'cap.pcap', '--keylog', 'keys.txt', '-o', 'lesson.html'], consumer);
      expect(view.code, view.stderr).toBe(0);
      const html = readFileSync(join(consumer, 'lesson.html'), 'utf8');
      expect(html).toContain(`<script>${readFileSync(join(installed, 'dist', 'viewer', 'viewer-page.js'), 'utf8')}</script>`);
      const records = lessonIn(html).explanation.connections[0].records;
      expect(records.filter((r) => r.encrypted).map((r) => r.decryption?.verdict)).toEqual(records.filter((r) => r.encrypted).map(() => 'MAC ok'));
    } finally {
      server.kill('SIGTERM');
      await new Promise((done) => server.once('close', done));
    }
  });
});

describe('a TypeScript consumer with strict on', () => {
  it('imports every entry of exports, compiles the packaged examples, and runs them', async () => {
    const src = join(consumer, 'src');
    mkdirSync(src);
    for (const file of readdirSync(join(installed, 'examples')).filter((f) => f.endsWith('.ts'))) cpSync(join(installed, 'examples', file), join(src, file));
    // Every sub-path the package exports (a harness entry included, once there is one) is imported.
    const subpaths = Object.keys(manifest.exports).filter((k) => k !== '.' && k !== './package.json');
    const imports = subpaths.map((p, i) => `import * as entry${i} from '${manifest.name}${p.slice(1)}';`).join('\n');
    const checks = subpaths.map((p, i) => `if (Object.keys(entry${i}).length === 0) throw new Error('${p} exports nothing');`).join('\n');
    writeFileSync(
      join(src, 'consumer.ts'),
      `import * as ssl3 from '${manifest.name}';
import pkg from '${manifest.name}/package.json' with { type: 'json' };
${imports}
${checks}
// The public types name what the functions take and give.
const key: ssl3.RsaPrivateKey = ssl3.generateRsaKey(1024);
const cert: ssl3.Certificate = ssl3.selfSignedCertificate({ key, hostname: 'consumer.example' });
const pin: ssl3.Pin = ssl3.parsePin(ssl3.fingerprint(cert, 'sha256'));
const options: ssl3.ConnectOptions = { host: '127.0.0.1', pin, ciphers: ['rc4-128-sha'] };
const suite: ssl3.CipherSuite = ssl3.suiteByName('3des-ede-cbc-sha');
const server: ssl3.SSLServer = ssl3.createServer({ key, cert: cert.raw });
const policy: ssl3.https.ServerPolicy = new ssl3.https.ServerPolicy({ maxConnections: 2 });
const info = (socket: ssl3.SSLSocket): ssl3.CipherInfo | undefined => socket.getCipher();
void info;
server.close();
console.log(\`\${pkg.name} \${pkg.version} \${suite.opensslName} \${policy.counters.accepted} \${Object.keys(options).length}\`);
`,
    );
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2022'], types: ['node'], strict: true, skipLibCheck: false, outDir: 'out', rootDir: 'src' },
        include: ['src'],
      }),
    );
    const tsc = await inDir(join(consumer, 'node_modules', '.bin', 'tsc'), ['-p', '.'], consumer);
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.code).toBe(0);

    const consumed = await inDir(process.execPath, [join(consumer, 'out', 'consumer.js')], consumer);
    expect(consumed.stderr).toBe('');
    expect(consumed.stdout).toBe(`${manifest.name} ${manifest.version} DES-CBC3-SHA 0 3\n`);
    for (const name of SELF_CONTAINED_EXAMPLES) {
      const r = await inDir(process.execPath, [join(consumer, 'out', `${name}.js`)], consumer);
      expect(r.stderr, name).toBe('');
      expectExampleOutput(name, r.stdout);
    }
  });
});
