// A worker thread that synthesizes one stage (stack-template.ts). JavaScript, because nothing compiles
// TypeScript in a new thread until tsx is registered here.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { synthesizeStage } = await import('@echo-ridge/infra/synth');
parentPort.postMessage(synthesizeStage(workerData.stage).template);
