import { CompanySchema } from '@echo-ridge/engine';
import { toJsonSchema } from '@valibot/to-json-schema';
import { JsonSchemaVersion, type JsonSchema } from 'aws-cdk-lib/aws-apigateway';
import type { RegexAction } from 'valibot';

/**
 * The draft-04 JSON Schema of a company record, generated from the engine's valibot schema so that
 * API Gateway's request validation and the engine cannot drift apart.
 *
 * API Gateway only speaks draft-04, which is what the OpenAPI 3.0 dialect amounts to for this schema.
 * The gateway is a cheap first gate and must never refuse a record the engine accepts; what draft-04
 * cannot say exactly is left to the handler, which validates every record with the engine anyway:
 * `finite` (JSON has no infinities to exclude), `check` (arbitrary code) and case-insensitive
 * patterns (draft-04 patterns have no flags). Anything else that does not convert fails the synth.
 */
export function companyRequestSchema(): JsonSchema {
  const schema = toJsonSchema(CompanySchema, {
    target: 'openapi-3.0',
    errorMode: 'throw',
    ignoreActions: ['finite', 'check'],
    overrideAction: ({ valibotAction, jsonSchema }) => {
      if (valibotAction.type !== 'regex' || (valibotAction as RegexAction<string, string>).requirement.flags === '') return undefined;
      const { pattern: _withoutItsFlags, ...rest } = jsonSchema;
      return rest;
    },
  });
  // CDK's JsonSchemaType values are the JSON Schema type names, so the generated object fits as it is.
  return { ...(schema as JsonSchema), schema: JsonSchemaVersion.DRAFT4, title: 'Company' };
}
