import { fileURLToPath } from 'node:url';

/** Where the repository keeps the generated document, for readers and tools that do not run the API. */
export const OPENAPI_PATH = fileURLToPath(new URL('../../../docs/openapi.json', import.meta.url));
