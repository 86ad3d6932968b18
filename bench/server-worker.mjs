// Worker-thread entry for bench/server-worker.ts. On Node 20 `node --import tsx` registers
// tsx's loader in the main thread only, so a worker given a .ts file fails with "Unknown file
// extension"; this plain-JS entry registers tsx in the worker, then loads the TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./server-worker.ts');
