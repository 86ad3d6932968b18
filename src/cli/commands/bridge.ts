/**
 * `ssl3 bridge --to https://DEVICE/`: a plain HTTP listener on this machine (127.0.0.1:8080 by
 * default) that forwards every request to a device speaking only SSL 3.0, so a modern browser,
 * curl or script reaches it at http://127.0.0.1:8080/. The device's certificate is checked as
 * `ssl3 get` checks it (--ca, --pin, or --insecure); a request the device cannot answer gets
 * 502 and one line on stderr naming the cause. SIGINT/SIGTERM stop it.
 */
import { parseArgs } from 'node:util';
import type { AddressInfo } from 'node:net';
import { parseFlags, UsageError, type CliIo, type Command } from '../command.js';
import { parseListen } from '../address.js';
import { createBridge } from '../../http/bridge.js';
import { stopOnSignal } from '../signals.js';
import { CLIENT_FLAGS, CLIENT_SYNOPSIS, CLIENT_USAGE, clientOptionsFromFlags, describeFailure } from '../client-flags.js';

const USAGE = `ssl3 bridge --to https://DEVICE[:PORT][/PATH] [--listen [ADDR:]PORT]
          ${CLIENT_SYNOPSIS}
  --to URL         the SSL 3.0 device; its path, if any, prefixes every forwarded path
  --listen A:P     where the plain HTTP side listens (default 127.0.0.1:8080; a bare port
                   means 127.0.0.1: the bridge carries the device's traffic in the clear, so
                   listen on another address only on a network you trust)
${CLIENT_USAGE}`;

export const bridgeCommand: Command = {
  name: 'bridge',
  summary: 'plain HTTP on this machine, forwarded to an SSL 3.0-only HTTPS device',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    const { values } = parseFlags(() =>
      parseArgs({ args: argv, strict: true, options: { to: { type: 'string' }, listen: { type: 'string' }, ...CLIENT_FLAGS } }),
    );
    if (values.to === undefined) throw new UsageError('--to https://DEVICE/ is required');
    let target: URL;
    try {
      target = new URL(values.to);
    } catch {
      throw new UsageError(`--to: not a URL: '${values.to}'`);
    }
    if (target.protocol !== 'https:') throw new UsageError(`--to: only https:// devices (SSL 3.0), got ${target.protocol}//`);
    const { host, port } = parseListen('--listen', values.listen ?? '8080');
    const { ssl, keylog } = clientOptionsFromFlags(values, io, 'bridge');
    const bridge = createBridge({
      ...ssl,
      target,
      onKeylog: keylog,
      onUpstreamError: (err, req) => io.stderr(`ssl3 bridge: ${req.method} ${req.url}: ${describeFailure(err, target)}\n`),
    });
    try {
      await bridge.listen(port, host);
    } catch (e) {
      throw new UsageError(`--listen ${host}:${port}: ${(e as Error).message}`, 1);
    }
    const stopped = stopOnSignal(io, () => bridge.close());
    const a = bridge.address() as AddressInfo;
    const shown = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    io.stdout(`ssl3: bridging http://${shown}:${a.port}/ to ${target.href} over SSL 3.0\n`);
    await stopped;
    return 0;
  },
};
