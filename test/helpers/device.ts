/**
 * A device driven through its IOS console in-process, as `ssl3 console` drives it: a Router on
 * a data directory (servers on 127.0.0.1, SCEP polls that do not wait, a small self-signed key
 * when one is generated on first need) and a Console in privileged mode. `type` enters lines
 * as a script on standard input would and returns what they printed, each line echoed after
 * its prompt (an answer to a question is not, as the question is still on the line).
 */
import { Console } from '../../src/config/console.js';
import { loadConfig } from '../../src/config/loader.js';
import { Router } from '../../src/config/runtime.js';
import { tempDir } from './temp-dirs.js';

export interface TestDevice {
  router: Router;
  con: Console;
  type(...lines: string[]): Promise<string>;
  dataDir: string;
}

export interface TestDeviceOptions {
  /** Load the data directory's startup-config first, as a device does when it boots (`ssl3 console`). */
  boot?: boolean;
}

export async function openTestDevice(dataDir = tempDir('device'), options: TestDeviceOptions = {}): Promise<TestDevice> {
  let out = '';
  const router = await Router.open({ dataDir, bind: '127.0.0.1', print: (t) => (out += t), selfSignedModulus: 1024, ca: { sleep: () => Promise.resolve() } });
  if (options.boot) {
    const text = await router.readStartupConfig();
    const errors = text === undefined ? [] : await loadConfig(text, router);
    if (errors.length) throw new Error(`the startup-config of ${dataDir} does not load: ${JSON.stringify(errors)}`);
  }
  const con = new Console(router, { mode: 'privileged' });
  const type = async (...lines: string[]) => {
    out = '';
    for (const line of lines) {
      if (!con.awaitingAnswer) out += `${con.prompt()} ${line}\n`;
      await con.execute(line);
    }
    return out;
  };
  return { router, con, type, dataDir };
}
