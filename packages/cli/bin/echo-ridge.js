#!/usr/bin/env node
// The CLI is TypeScript source like the rest of the workspace; tsx compiles it on first use and caches it.
import { register } from 'tsx/esm/api';

register();
// The Node check runs before the CLI is loaded: on another Node its imports would fail at link time.
const { exitOnWrongNode, muteSqliteExperimentalWarning } = await import('@echo-ridge/local/node-runtime');
exitOnWrongNode();
muteSqliteExperimentalWarning();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
