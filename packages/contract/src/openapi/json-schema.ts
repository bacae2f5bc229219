import { CompanySchema, ScorePayloadSchema, ValidationIssueSchema } from '@echo-ridge/engine';
import { FileBatchSchema } from '@echo-ridge/store/schemas';
import { toJsonSchema, toJsonSchemaDefs, type ConversionConfig, type JsonSchema, type OverrideActionContext } from '@valibot/to-json-schema';
import type * as v from 'valibot';
import {
  BatchItemErrorSchema,
  BatchRecordResponseSchema,
  BatchRequestSchema,
  BatchResponseSchema,
  BatchUploadRequestSchema,
  BatchUploadResponseSchema,
  ErrorBodySchema,
  HealthResponseSchema,
  HistoryResponseSchema,
  HybridRequestSchema,
  HybridResponseSchema,
  OpenApiDocumentSchema,
  ScoreResponseSchema,
  ScoresResponseSchema,
  StatsResponseSchema,
} from '../schemas.js';

export const COMPONENT_SCHEMAS_REF = '#/components/schemas/';

/** Request bodies, as a client sends them (before defaults are applied). */
const REQUEST_COMPONENTS = { Company: CompanySchema, BatchRequest: BatchRequestSchema, HybridRequest: HybridRequestSchema, BatchUploadRequest: BatchUploadRequestSchema };

/** Response bodies and the parts several of them share. Company is here too, as the hybrid answer echoes it. */
const RESPONSE_COMPONENTS = {
  Company: CompanySchema,
  ValidationIssue: ValidationIssueSchema,
  ErrorBody: ErrorBodySchema,
  ScorePayload: ScorePayloadSchema,
  ScoreResponse: ScoreResponseSchema,
  BatchItemError: BatchItemErrorSchema,
  BatchResponse: BatchResponseSchema,
  HybridResponse: HybridResponseSchema,
  HistoryResponse: HistoryResponseSchema,
  ScoresResponse: ScoresResponseSchema,
  FileBatch: FileBatchSchema,
  BatchRecordResponse: BatchRecordResponseSchema,
  BatchUploadResponse: BatchUploadResponseSchema,
  StatsResponse: StatsResponseSchema,
  HealthResponse: HealthResponseSchema,
  OpenApiDocument: OpenApiDocumentSchema,
};

/**
 * What JSON Schema cannot say is left to the handler, which validates every request with the valibot
 * schema anyway; the document only ever accepts more than the handler, never less:
 * - `finite`: JSON has no infinities to exclude;
 * - `check` (code): its rule is kept in words, as the description;
 * - a case-insensitive `regex`: JSON Schema patterns have no flags, so the pattern is left out.
 */
function overrideAction({ valibotAction, jsonSchema }: OverrideActionContext): JsonSchema | undefined {
  const action = valibotAction as v.PipeAction<unknown, unknown, v.BaseIssue<unknown>> & { message?: unknown; requirement?: unknown };
  if (action.type === 'finite') return jsonSchema;
  if (action.type === 'check') return typeof action.message === 'string' ? { ...jsonSchema, description: action.message } : jsonSchema;
  if (action.type === 'regex' && action.requirement instanceof RegExp && action.requirement.flags !== '') {
    const { pattern: _withoutItsFlags, ...rest } = jsonSchema;
    return rest;
  }
  return undefined;
}

const CONVERSION: ConversionConfig = {
  // OpenAPI 3.1's schema objects are JSON Schema 2020-12.
  target: 'draft-2020-12',
  errorMode: 'throw',
  overrideAction,
  overrideRef: ({ referenceId }) => `${COMPONENT_SCHEMAS_REF}${referenceId}`,
};

/** `components.schemas`: every named body, nested names as `$ref`s. */
export function componentSchemas(): Record<string, JsonSchema> {
  return {
    ...toJsonSchemaDefs(REQUEST_COMPONENTS, { ...CONVERSION, typeMode: 'input' }),
    ...toJsonSchemaDefs(RESPONSE_COMPONENTS, { ...CONVERSION, typeMode: 'output' }),
  };
}

const names = new Map<unknown, string>([...Object.entries(REQUEST_COMPONENTS), ...Object.entries(RESPONSE_COMPONENTS)].map(([name, schema]) => [schema, name]));

/** A reference to a body's component; every body a route declares is one of the components above. */
export function componentRef(schema: v.GenericSchema): JsonSchema {
  const name = names.get(schema);
  if (name === undefined) throw new Error(`the OpenAPI components name no such body (${schema.expects}): add it to json-schema.ts`);
  return { $ref: `${COMPONENT_SCHEMAS_REF}${name}` };
}

/** A query parameter's schema as the client writes it (a string before any transformation). */
export function parameterSchema(schema: v.GenericSchema): JsonSchema {
  const { $schema: _dialect, ...rest } = toJsonSchema(schema, { ...CONVERSION, typeMode: 'input' });
  return rest;
}
