#!/usr/bin/env node
// The CLI is TypeScript source like the rest of the workspace; tsx compiles it on first use and caches it.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
process.exitCode = await main(process.argv.slice(2));
