// The entry of `echo-ridge score`'s worker threads. Module hooks do not reach a worker from the thread
// that started it, so each worker registers tsx itself, as the command's own entry does, then loads
// the TypeScript source; this holds under jest too, whose module system does not reach workers either.
import { register } from 'tsx/esm/api';

register();
await import('../src/score-worker.ts');
