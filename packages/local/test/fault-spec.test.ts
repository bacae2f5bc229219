import { describe, expect, it } from '@jest/globals';
import { describeFaults, faultsOn, parseFaultSpec } from '../src/fault-spec.js';
import { describeAwsRequest } from '../src/aws-request.js';

describe('--faults', () => {
  it('reads every target, leaving the others at 0', () => {
    expect(parseFaultSpec('dynamodb=0.05,s3=0.05,crash=0.05')).toEqual({ dynamodb: 0.05, s3: 0.05, sqs: 0, crash: 0.05 });
    expect(parseFaultSpec(' sqs=1 ')).toEqual({ dynamodb: 0, s3: 0, sqs: 1, crash: 0 });
    expect(faultsOn(parseFaultSpec('sqs=0'))).toBe(false);
    expect(describeFaults(parseFaultSpec('dynamodb=0.1,crash=0.2'))).toBe('dynamodb 0.1 per call, crash 0.2 per batch invocation');
  });

  it.each([
    ['dynamo=0.1', /"dynamo" is not one of dynamodb, s3, sqs, crash/],
    ['s3=1.5', /s3 needs a probability from 0 to 1, as in s3=0.05 \(got "s3=1.5"\)/],
    ['s3=-0.1', /s3 needs a probability from 0 to 1/],
    ['s3', /s3 needs a probability/],
    ['s3=', /s3 needs a probability/],
    ['s3=0.1=2', /s3 needs a probability/],
    ['crash=abc', /crash needs a probability/],
    ['s3=0.1,s3=0.2', /s3 is given twice/],
    ['', /needs at least one of/],
  ])('refuses %j, naming the part and the fix', (text, message) => {
    expect(() => parseFaultSpec(text)).toThrow(message);
  });
});

describe('the operation of a request, as the SDK sends it', () => {
  it('reads DynamoDB and SQS operations from x-amz-target', () => {
    expect(describeAwsRequest('dynamodb', 'POST', '/', { 'x-amz-target': 'DynamoDB_20120810.TransactWriteItems' })).toEqual({ service: 'dynamodb', operation: 'TransactWriteItems' });
    expect(describeAwsRequest('dynamodb', 'POST', '/', { 'x-amz-target': 'DynamoDB_20120810.UpdateItem' }, Buffer.from('{"Key":{}}')).body).toBe('{"Key":{}}');
    expect(describeAwsRequest('sqs', 'POST', '/', { 'x-amz-target': 'AmazonSQS.SendMessageBatch' })).toEqual({ service: 'sqs', operation: 'SendMessageBatch' });
    expect(describeAwsRequest('sqs', 'POST', '/', {}).operation).toBe('Unknown');
  });

  it.each([
    ['GET', '/bucket/incoming/a%20b.jsonl', {}, 'GetObject', 'incoming/a b.jsonl'],
    ['HEAD', '/bucket/k', {}, 'HeadObject', 'k'],
    ['GET', '/bucket?list-type=2&prefix=x', {}, 'ListObjectsV2', undefined],
    ['PUT', '/bucket/results/b.jsonl', {}, 'PutObject', 'results/b.jsonl'],
    ['PUT', '/bucket/k?partNumber=2&uploadId=u', {}, 'UploadPart', 'k'],
    ['PUT', '/bucket/k?partNumber=2&uploadId=u', { 'x-amz-copy-source': 'bucket/p' }, 'UploadPartCopy', 'k'],
    ['PUT', '/bucket/k', { 'x-amz-copy-source': 'bucket/p' }, 'CopyObject', 'k'],
    ['POST', '/bucket/k?uploads', {}, 'CreateMultipartUpload', 'k'],
    ['POST', '/bucket/k?uploadId=u', {}, 'CompleteMultipartUpload', 'k'],
    ['DELETE', '/bucket/k?uploadId=u', {}, 'AbortMultipartUpload', 'k'],
    ['POST', '/bucket?delete', {}, 'DeleteObjects', undefined],
    ['DELETE', '/bucket/k', {}, 'DeleteObject', 'k'],
  ])('S3 %s %s is %s', (method, url, headers, operation, key) => {
    const described = describeAwsRequest('s3', method, url, headers);
    expect(described.operation).toBe(operation);
    expect(described.key).toBe(key);
  });
});
