/**
 * Handshakes per second over loopback, client and server in this process, with a fixed number
 * of connections in flight: each completed handshake (the client's 'secureConnect') is counted,
 * its socket closed (close_notify both ways) and a new connection started in its place, until
 * the time budget is spent. `hs-full` never offers a session; `hs-resumed` offers the session of
 * one earlier connection every time (session-ID resumption on both sides).
 */
import type { Row } from './measure.js';
import { nativeEndpoint, oursEndpoint, secured, type ClientSocket, type Endpoint } from './engine.js';

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

async function measure(make: () => Promise<Endpoint>, resumed: boolean): Promise<number> {
  const ep = await make();
  try {
    const session = resumed ? await firstSession(ep) : undefined;
    await handshakeRate(ep, session, 300, IN_FLIGHT); // warm-up
    return await handshakeRate(ep, session, BUDGET_MS, IN_FLIGHT);
  } finally {
    await ep.close();
  }
}

async function handshakeRow(name: string, resumed: boolean): Promise<Row> {
  let ours = 0;
  let native = 0;
  for (let i = 0; i < ROUNDS; i++) {
    ours = Math.max(ours, await measure(oursEndpoint, resumed));
    native = Math.max(native, await measure(nativeEndpoint, resumed));
  }
  return { name, unit: 'hs/s', ours, native, ratio: ours / native };
}

export const handshakeFullRows = async (): Promise<Row[]> => [await handshakeRow('hs-full', false)];
export const handshakeResumedRows = async (): Promise<Row[]> => [await handshakeRow('hs-resumed', true)];
