/**
 * `ssl3 view CAPTURE|TRACE.jsonl [--keylog F]... [--key F]... [-o LESSON.html]`: the
 * connections of a capture (as `ssl3 explain` reads it) or of a --trace-json file as one
 * self-contained HTML page (src/viewer): the ladder of flights, each message's fields beside
 * its bytes, the key derivation, each record's decryption, and a lab where the engine runs in
 * the page. The file is written 0600: it shows keys and decrypted traffic.
 */
import { basename, extname } from 'node:path';
import { parseArgs } from 'node:util';
import { parseFlags, UsageError, type CliIo, type Command } from '../command.js';
import { EXPLAIN_KEY_FLAGS, EXPLAIN_KEY_USAGE, explainKeysFromFlags, readInputFile } from '../explain-keys-flags.js';
import { lessonOf } from '../../viewer/lesson-html.js';
import { lessonPage } from '../../viewer/lesson-file.js';
import { writeFileAtomic } from '../../util/atomic-file.js';
import { lessonWriteError } from '../viewer-option.js';
import { Ssl3Error } from '../../util/errors.js';

const USAGE = `ssl3 view CAPTURE|TRACE.jsonl [--keylog FILE]... [--key SERVER-KEY.pem]... [-o LESSON.html]
  CAPTURE          a pcap or pcapng file, as ssl3 explain reads it
  TRACE.jsonl      or the JSON lines of --trace-json (with --trace-keys for the derivation)
${EXPLAIN_KEY_USAGE}
  -o FILE          the page to write (default: the input's file name with .html, in the
                   current directory; - for standard output); it holds the keys and the
                   decrypted data, so it is made mode 0600`;

export const viewCommand: Command = {
  name: 'view',
  summary: 'a capture or trace as one HTML lesson page: ladder, fields beside bytes, keys, a lab',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseFlags(() =>
      parseArgs({ args: argv, allowPositionals: true, strict: true, options: { ...EXPLAIN_KEY_FLAGS, output: { type: 'string', short: 'o' } } }),
    );
    if (positionals.length !== 1) throw new UsageError('give exactly one CAPTURE or TRACE.jsonl file');
    const [file] = positionals;
    const output = values.output ?? `${basename(file, extname(file))}.html`;
    if (output === file) throw new UsageError(`-o ${output} would overwrite the input`);
    const keys = explainKeysFromFlags(values, io, 'view');
    const bytes = readInputFile('', file);
    let lesson;
    try {
      lesson = lessonOf(basename(file), bytes, keys);
    } catch (e) {
      if (e instanceof Ssl3Error) throw new UsageError(`${file}: ${e.message.replace(/^not a pcap or pcapng file/, 'neither a pcap or pcapng capture nor --trace-json lines')}`, 1);
      throw e;
    }
    let page: string;
    try {
      page = await lessonPage(lesson);
    } catch (e) {
      if (e instanceof Ssl3Error) throw new UsageError(e.message, 1);
      throw e;
    }
    if (output === '-') {
      io.stdout(page);
      return 0;
    }
    try {
      await writeFileAtomic(output, page, 0o600);
    } catch (e) {
      throw lessonWriteError(`-o ${output}`, e);
    }
    const n = lesson.explanation.connections.length;
    io.stdout(`ssl3 view: wrote ${output}: ${n} SSL/TLS connection${n === 1 ? '' : 's'} (open it in a browser; it holds keys and decrypted data)\n`);
    return 0;
  },
};
