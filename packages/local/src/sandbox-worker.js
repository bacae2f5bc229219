// A worker thread that is one Lambda sandbox (worker-sandbox.ts). It is JavaScript because nothing
// compiles TypeScript in a new thread until tsx is registered here.
import { register } from 'tsx/esm/api';

register();
await import('./sandbox-worker-loop.ts');
