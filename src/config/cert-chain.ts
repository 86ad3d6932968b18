/**
 * `crypto ca certificate chain NAME`: how IOS keeps a trustpoint's certificates in its
 * configuration text (NVGEN writes them after the trustpoints; a reload reads them back), as
 * `certificate [ca] SERIAL` blocks of hex, eight groups of eight digits a line, each block
 * ended by `quit`. The certificate sub-mode takes hex lines until `quit`; the console and the
 * file loader feed them alike, one line a question (Session.ask).
 */
import { CommandError } from './context.js';
import { arg, kw, type Args } from './grammar.js';
import type { CommandNode, Question, Session } from './commands.js';
import { certifies } from './keyring.js';
import type { CertificateRecord, KeyRing } from './model.js';
import { nvgenLines } from './nvgen.js';
import type { Certificate } from '../pki/certificate.js';
import { parseCertificate } from '../pki/x509.js';
import { fromHex, toHex } from '../util/bytes.js';
import { Ssl3Error } from '../util/errors.js';

/** The serial as IOS writes it in the block's header: hex, upper case, an even number of digits. */
export function serialWord(serial: bigint): string {
  let hex = (serial < 0n ? -serial : serial).toString(16).toUpperCase();
  if (hex.length % 2) hex = `0${hex}`;
  return serial < 0n ? `-${hex}` : hex;
}

/** The line that ends a certificate's hex. */
const QUIT = 'quit';

/** A certificate's DER in hex, eight groups of eight digits a line, then `quit` (after a tab, as IOS writes it). */
function hexBlock(der: Uint8Array): string[] {
  const groups = toHex(der).toUpperCase().match(/.{1,8}/g) ?? [];
  const lines: string[] = [];
  for (let i = 0; i < groups.length; i += 8) lines.push(groups.slice(i, i + 8).join(' '));
  return [...lines, `\t${QUIT}`];
}

/** The certificates of a trustpoint: CA certificates last, as IOS lists them. */
function chainOf(ring: KeyRing | undefined, trustpoint: string | undefined): CertificateRecord[] {
  const records = ring?.certificates.filter((c) => c.trustpoint === trustpoint) ?? [];
  return [...records.filter((c) => c.usage !== 'ca'), ...records.filter((c) => c.usage === 'ca')];
}

/** The SERIAL word of `certificate [ca] SERIAL`: hex, as serialWord writes it. */
function serialOf(a: Args): bigint {
  const word = a.str('serial');
  if (!/^-?[0-9a-fA-F]+$/.test(word)) throw new CommandError(`% ${word} is not a serial number in hex.`);
  const value = BigInt(`0x${word.replace(/^-/, '')}`);
  return word.startsWith('-') ? -value : value;
}

/** Which of the device's key pairs a certificate holds, for a certificate read back from text. */
function usageOf(ring: KeyRing, cert: Certificate): CertificateRecord['usage'] | undefined {
  return ring.keys.find((k) => certifies(cert, k.key))?.usage;
}

function enterChain(s: Session, a: Args): void {
  const name = a.str('trustpoint');
  if (!s.ctx.config.trustpoints.has(name)) throw new CommandError(`% Trustpoint ${name} is not defined; declare it with crypto ca trustpoint ${name} first.`);
  s.mode = 'cert-chain';
  s.trustpoint = name;
}

/** `certificate [ca] SERIAL`, then hex lines up to `quit`. */
function readCertificate(s: Session, a: Args): void {
  const trustpoint = s.trustpoint;
  if (trustpoint === undefined) throw new CommandError('% No certificate chain is being configured.');
  const isCa = a.has('ca');
  const serial = serialOf(a);
  let hex = '';
  const q: Question = {
    prompt: '',
    secret: false,
    answer: (line) => {
      if (line.trim().toLowerCase() !== QUIT) {
        if (!/^[\s0-9a-fA-F]*$/.test(line)) {
          s.ctx.print('% Invalid hex digits; the certificate was not stored. Enter the block again.\n');
          return;
        }
        hex += line.replace(/\s+/g, '');
        s.ask(q);
        return;
      }
      let cert: Certificate;
      try {
        if (hex.length % 2) throw new CommandError('% The certificate has an odd number of hex digits.');
        cert = parseCertificate(fromHex(hex));
      } catch (e) {
        if (e instanceof Ssl3Error) throw new CommandError(`% The certificate ${serialWord(serial)} of chain ${trustpoint} cannot be read: ${e.message}`);
        throw e;
      }
      if (cert.serialNumber !== serial) throw new CommandError(`% The certificate's serial number is ${serialWord(cert.serialNumber)}, not ${serialWord(serial)}.`);
      const usage = isCa ? 'ca' : usageOf(s.ctx.keys, cert);
      if (!usage) throw new CommandError(`% The certificate ${serialWord(serial)} of chain ${trustpoint} holds none of this device's keys; it was not stored.`);
      // A device certificate replaces the trustpoint's one for the same key; a CA certificate the one with its serial.
      const replaced = (c: CertificateRecord) => c.trustpoint === trustpoint && c.usage === usage && (usage !== 'ca' || c.certificate.serialNumber === serial);
      s.ctx.keys.certificates = [...s.ctx.keys.certificates.filter((c) => !replaced(c)), { trustpoint, usage, certificate: cert }];
    },
  };
  s.ask(q);
}

function removeCertificate(s: Session, a: Args): void {
  const serial = serialOf(a);
  const ring = s.ctx.keys;
  ring.certificates = ring.certificates.filter((c) => !(c.trustpoint === s.trustpoint && (c.usage === 'ca') === a.has('ca') && c.certificate.serialNumber === serial));
}

export const CERT_CHAIN_COMMANDS: readonly CommandNode[] = [
  kw('certificate', 'Enter a certificate (hex lines, then quit)', {
    children: [
      kw('ca', 'A CA certificate', [arg('word', 'serial', 'Serial number (hex)', { run: readCertificate, no: removeCertificate })]),
      arg('word', 'serial', 'Serial number (hex)', { run: readCertificate, no: removeCertificate }),
    ],
    nvgen: ({ keys, trustpoint }) =>
      chainOf(keys, trustpoint).map((r) => ({ args: { serial: serialWord(r.certificate.serialNumber), ca: r.usage === 'ca' }, body: hexBlock(r.certificate.raw) })),
  }),
];

export const CERT_CHAIN_GLOBAL: CommandNode = kw('certificate', 'Actions on certificates', [
  kw('chain', 'Enter a certificate chain', {
    children: [arg('word', 'trustpoint', 'Trustpoint name', { run: enterChain })],
    // Each configured trustpoint that holds certificates (with the key ring at hand), a block of its own.
    section: 'chain',
    nvgen: ({ config, keys }) =>
      [...config.trustpoints.keys()]
        .filter((name) => chainOf(keys, name).length)
        .map((name) => ({ args: { trustpoint: name }, body: nvgenLines(CERT_CHAIN_COMMANDS, { config, keys, trustpoint: name }) })),
  }),
]);
