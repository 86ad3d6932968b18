// Worker-thread entry for fuzz/worker.ts. On Node 20 `node --import tsx` registers tsx's
// loader in the main thread only, so this plain-JS entry registers it in the worker first
// (as bench/server-worker.mjs does).
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
