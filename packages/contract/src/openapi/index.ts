export { buildOpenApiDocument, renderOpenApiDocument, type OpenApiDocument } from './document.js';
