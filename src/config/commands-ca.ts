/**
 * `crypto ca authenticate NAME` and `crypto ca enrollment NAME` (also `crypto ca enroll`,
 * IOS's later spelling): the feature guide's steps 12 and 13 (docs/ios-configuration.md), with
 * IOS's questions asked one line at a time through Session.ask, so a person or a script on
 * standard input answers them alike. The work behind the answers is in enrollment.ts.
 */
import { CommandError } from './context.js';
import type { Args } from './grammar.js';
import type { Question, Session } from './commands.js';
import { enrolledCertificates, enrollTrustpoint, fetchTrustpointCa, fingerprintLines, storeCaCertificates, trustpointCa, trustpointNamed, type EnrollmentAnswers } from './enrollment.js';
import { fqdn } from './model.js';
import { parseIpAddress } from '../pki/hostname.js';

const YES = /^\s*y(es?)?\s*$/i;
const NO = /^\s*no?\s*$/i;

/** A yes/no question; anything else asks again, as IOS does. `empty` is the answer to an empty line, when the question has a default. */
function yesNo(s: Session, prompt: string, then: (yes: boolean) => void | Promise<void>, empty?: boolean): void {
  const q: Question = {
    prompt,
    secret: false,
    answer: (line) => {
      if (line.trim() === '' && empty !== undefined) return then(empty);
      if (YES.test(line)) return then(true);
      if (NO.test(line)) return then(false);
      s.ctx.print('% Please answer \'yes\' or \'no\'.\n');
      s.ask(q);
    },
  };
  s.ask(q);
}

function interactiveOnly(s: Session, what: string): void {
  if (!s.interactive) throw new CommandError(`% ${what} asks questions; run it in ssl3 console (a script on standard input can answer them).`);
}

export async function authenticate(s: Session, a: Args): Promise<void> {
  interactiveOnly(s, 'crypto ca authenticate');
  const tp = trustpointNamed(s.ctx, a.str('trustpoint'));
  const ca = await fetchTrustpointCa(s.ctx, tp);
  s.ctx.print(fingerprintLines(ca.ca));
  yesNo(s, '% Do you accept this certificate? [yes/no]: ', (yes) => {
    if (!yes) {
      s.ctx.print('% Certificate not accepted; nothing was stored.\n');
      return;
    }
    storeCaCertificates(s.ctx, tp, ca);
    s.ctx.print('Trustpoint CA certificate accepted.\n');
  });
}

const CHALLENGE_TEXT = `%
% Start certificate enrollment ..
% Create a challenge password. You will need to verbally provide this
   password to the CA Administrator in order to revoke your certificate.
   For security reasons your password will not be saved in the configuration.
   Please make a note of it.

`;

/** IOS lets three mismatched passwords go before giving up. */
const PASSWORD_TRIES = 3;

export async function enrollment(s: Session, a: Args): Promise<void> {
  interactiveOnly(s, 'crypto ca enrollment');
  const tp = trustpointNamed(s.ctx, a.str('trustpoint'));
  if (!trustpointCa(s.ctx, tp)) throw new CommandError('% You must authenticate the Certificate Authority before you can enroll with it.');
  if (!s.ctx.keys.keys.length) await s.ctx.generateKeys({ usageKeys: false, modulus: 2048 });

  const start = (): void => {
    s.ctx.print(CHALLENGE_TEXT);
    askPassword(0);
  };
  const askPassword = (tries: number): void => {
    s.ask({
      prompt: 'Password: ',
      secret: true,
      answer: (first) =>
        s.ask({
          prompt: 'Re-enter password: ',
          secret: true,
          answer: (second) => {
            if (first !== second) {
              s.ctx.print('% Passwords do not match.\n');
              if (tries + 1 < PASSWORD_TRIES) askPassword(tries + 1);
              return;
            }
            s.ctx.print(`\n% The subject name in the certificate will include: ${tp.subjectName ? `${tp.subjectName}, ` : ''}${fqdn(s.ctx.config)}\n`);
            askSerial({ challengePassword: first, includeSerial: false });
          },
        }),
    });
  };
  const askSerial = (answers: EnrollmentAnswers): void =>
    yesNo(s, '% Include the router serial number in the subject name? [yes/no]: ', (yes) => askIp({ ...answers, includeSerial: yes }));
  const askIp = (answers: EnrollmentAnswers): void =>
    yesNo(
      s,
      '% Include an IP address in the subject name? [no]: ',
      (yes) => {
        if (!yes) return confirm(answers);
        const q: Question = {
          prompt: 'Enter Interface name or IP Address[]: ',
          secret: false,
          answer: (line) => {
            const ip = line.trim();
            if (!/^\d+\.\d+\.\d+\.\d+$/.test(ip) || !parseIpAddress(ip)) {
              s.ctx.print(`% ${ip === '' ? 'An IP address is needed' : `${ip} is not an IPv4 address`}; interfaces are not known to this device.\n`);
              s.ask(q);
              return;
            }
            confirm({ ...answers, ipAddress: ip });
          },
        };
        s.ask(q);
      },
      false,
    );
  const confirm = (answers: EnrollmentAnswers): void =>
    yesNo(s, 'Request certificate from CA? [yes/no]: ', async (yes) => {
      if (!yes) return;
      s.ctx.print(`% Certificate request sent to Certificate Authority\n% The 'show crypto ca certificates verbose' command will show the fingerprint.\n`);
      await enrollTrustpoint(s.ctx, tp, answers);
    });

  if (enrolledCertificates(s.ctx, tp).length) {
    yesNo(s, `% You already have a certificate for trustpoint ${tp.name}. Do you want to request a new one? [yes/no]: `, (yes) => (yes ? start() : undefined));
  } else {
    start();
  }
}
