// Worker-thread entry for timing/server.ts: registers tsx in the worker first (Node 20's
// `--import tsx` reaches only the main thread; bench/server-worker.mjs does the same).
import { register } from 'tsx/esm/api';

register();
await import('./server.ts');
