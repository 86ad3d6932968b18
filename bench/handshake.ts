/**
 * Handshakes per second over loopback, the server in its own thread (engine.ts), with a fixed number
 * of connections in flight: each completed handshake (the client's 'secureConnect') is counted,
 * its socket closed (close_notify both ways) and a new connection started in its place, until
 * the time budget is spent. `hs-full` never offers a session; `hs-resumed` offers the session of
 * one earlier connection every time (session-ID resumption on both sides).
 */
import type { Row } from './measure.js';
import { nativeEndpoint, oursEndpoint, secured, withServerThread, type ClientSocket, type Endpoint, type ServerThread } from './engine.js';

const IN_FLIGHT = 8;
const BUDGET_MS = 3000;
const ROUNDS = 2;

/** Completed handshakes per second, keeping `inFlight` connections going for `budgetMs`. */
function handshakeRate(ep: Endpoint, session: unknown, budgetMs: number, inFlight: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    let last = start;
    let done = 0;
    let failed: Error | undefined;
    const open = new Set<ClientSocket>();
    const settle = () => {
      if (open.size) return;
      if (failed) reject(failed);
      else resolve(done / ((last - start) / 1000));
    };
    const launch = () => {
      const socket = ep.connect({ session });
      open.add(socket);
      socket.on('close', () => {
        open.delete(socket);
        settle();
      });
      secured(socket).then(
        () => {
          if (session !== undefined && !socket.isSessionReused()) failed ??= new Error('hs-resumed: a handshake was not resumed');
          last = performance.now();
          done++;
          socket.resume();
          socket.end();
          if (!failed && last - start < budgetMs) launch();
        },
        (err: Error) => {
          failed ??= err;
          socket.destroy();
        },
      );
    };
    for (let i = 0; i < inFlight; i++) launch();
  });
}

async function firstSession(ep: Endpoint): Promise<unknown> {
  const socket = ep.connect({});
  await secured(socket);
  const session = ep.sessionOf(socket);
  socket.resume();
  socket.end();
  await new Promise((r) => socket.once('close', r));
  return session;
}

async function measure(thread: ServerThread, make: (thread: ServerThread) => Promise<Endpoint>, label: string, resumed: boolean): Promise<number> {
  const ep = await make(thread);
  try {
    const session = resumed ? await ep.guard(firstSession(ep)) : undefined;
    await ep.guard(handshakeRate(ep, session, 300, IN_FLIGHT)); // warm-up
    const stop = await ep.track(label);
    const rate = await ep.guard(handshakeRate(ep, session, BUDGET_MS, IN_FLIGHT));
    await stop();
    return rate;
  } finally {
    await ep.close();
  }
}

function handshakeRow(name: string, resumed: boolean): Promise<Row> {
  return withServerThread(async (thread) => {
    let ours = 0;
    let native = 0;
    for (let i = 0; i < ROUNDS; i++) {
      ours = Math.max(ours, await measure(thread, oursEndpoint, `${name} ours`, resumed));
      native = Math.max(native, await measure(thread, nativeEndpoint, `${name} native`, resumed));
    }
    return { name, unit: 'hs/s', ours, native, ratio: ours / native };
  });
}

export const handshakeFullRows = async (): Promise<Row[]> => [await handshakeRow('hs-full', false)];
export const handshakeResumedRows = async (): Promise<Row[]> => [await handshakeRow('hs-resumed', true)];
