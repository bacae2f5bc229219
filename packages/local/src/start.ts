// `pnpm start`: the Node check comes first and the runtime is imported only after it, because on another
// Node a static import would fail at link time (fauxqs needs node:sqlite) before any check could run.
import { exitOnWrongNode, muteSqliteExperimentalWarning } from './node-runtime.js';

exitOnWrongNode();
muteSqliteExperimentalWarning();
await import('./start-command.js');
