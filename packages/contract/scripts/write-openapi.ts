import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { renderOpenApiDocument } from '../src/openapi/index.js';
import { OPENAPI_PATH } from './openapi-path.js';

// `pnpm openapi`: regenerates docs/openapi.json after a change to a route or schema (a test compares them).
await mkdir(dirname(OPENAPI_PATH), { recursive: true });
await writeFile(OPENAPI_PATH, renderOpenApiDocument());
process.stdout.write(`wrote ${relative(process.cwd(), OPENAPI_PATH)}\n`);
