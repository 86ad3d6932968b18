/**
 * How the long-running commands (serve, serve --config, bridge) stop: SIGINT or SIGTERM runs
 * their close (requests in flight finish, SSL connections get close_notify) and then the
 * command returns. The handlers are installed when this is called, so call it before printing
 * the listening line: whoever reads that line may signal at once, and a signal that comes
 * before the handler would kill the process without a clean close.
 */
import type { CliIo } from './command.js';

export function stopOnSignal(io: CliIo, close: () => Promise<unknown>, onHangup?: () => void): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      if (onHangup) process.off('SIGHUP', onHangup);
      io.stderr('ssl3: shutting down\n');
      void close().then(() => resolve());
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    if (onHangup) process.on('SIGHUP', onHangup);
  });
}
