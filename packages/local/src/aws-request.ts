import type { IncomingHttpHeaders } from 'node:http';

/** The services the functions call, each behind its own emulator endpoint. */
export type AwsService = 'dynamodb' | 's3' | 'sqs';

/** What a request to an emulator asks for: the service, the API operation, and for S3 the object key. */
export interface AwsRequest {
  service: AwsService;
  operation: string;
  /** S3 only: the key the request names (no bucket), URL-decoded. */
  key?: string;
  /** DynamoDB and SQS: the JSON request, for telling apart calls of one operation (which item, which update). */
  body?: string;
}

/**
 * The operation of a request as the AWS SDK sends it: DynamoDB and SQS (JSON protocols) name it in
 * `x-amz-target`; S3 (REST) by method, query and headers, path-style (`/bucket/key`).
 */
export function describeAwsRequest(service: AwsService, method: string, url: string, headers: IncomingHttpHeaders, body?: Buffer): AwsRequest {
  if (service !== 's3') {
    const target = String(headers['x-amz-target'] ?? '');
    const operation = target.slice(target.indexOf('.') + 1) || 'Unknown';
    return body === undefined ? { service, operation } : { service, operation, body: body.toString('utf8') };
  }
  const parsed = new URL(url, 'http://local');
  const [, , ...keyParts] = parsed.pathname.split('/');
  const key = keyParts.length > 0 ? decodeURIComponent(keyParts.join('/')) : undefined;
  const query = parsed.searchParams;
  const copy = headers['x-amz-copy-source'] !== undefined;
  const operation = (() => {
    switch (method) {
      case 'GET':
        if (!key) return query.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
        return 'GetObject';
      case 'HEAD':
        return key ? 'HeadObject' : 'HeadBucket';
      case 'PUT':
        if (!key) return 'CreateBucket';
        if (query.has('partNumber')) return copy ? 'UploadPartCopy' : 'UploadPart';
        return copy ? 'CopyObject' : 'PutObject';
      case 'POST':
        if (query.has('delete')) return 'DeleteObjects';
        if (query.has('uploads')) return 'CreateMultipartUpload';
        if (query.has('uploadId')) return 'CompleteMultipartUpload';
        return 'PostObject';
      case 'DELETE':
        if (query.has('uploadId')) return 'AbortMultipartUpload';
        return key ? 'DeleteObject' : 'DeleteBucket';
      default:
        return 'Unknown';
    }
  })();
  return key === undefined ? { service, operation } : { service, operation, key };
}

/** DynamoDB operations that write: the ones a TransactionConflict can answer. */
export const DYNAMODB_WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);
