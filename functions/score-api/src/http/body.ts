import type { APIGatewayProxyEvent } from 'aws-lambda';
import { malformedJson, payloadTooLarge, unsupportedMediaType } from './errors.js';
import { header } from './headers.js';

/** Body limits by route: one company is small; a batch may use what a Lambda invocation carries. */
export const BODY_LIMIT_BYTES = 1024 * 1024;
export const BATCH_BODY_LIMIT_BYTES = 6 * 1024 * 1024;

function isJsonMediaType(contentType: string | undefined): boolean {
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  return mediaType === 'application/json' || (mediaType?.startsWith('application/') === true && mediaType.endsWith('+json'));
}

/** The parsed JSON body, checked in the order a client fixes things: size, media type, syntax. */
export function readJsonBody(event: APIGatewayProxyEvent, limitBytes: number): unknown {
  const raw = event.body ?? '';
  const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(text, 'utf8') > limitBytes) throw payloadTooLarge(limitBytes);
  const contentType = header(event, 'content-type');
  if (!isJsonMediaType(contentType)) throw unsupportedMediaType(contentType);
  if (text.trim() === '') throw malformedJson('The request body is empty: send a JSON object.');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw malformedJson(`The request body is not valid JSON (${(error as SyntaxError).message}): check quotes, commas and brackets.`);
  }
}
