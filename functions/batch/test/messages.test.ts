import { describe, expect, it } from '@jest/globals';
import { batchIdFor } from '../src/batch-id.js';
import { parseBatchMessage, PoisonMessageError } from '../src/messages.js';

const s3Event = (key: string, extra: Record<string, unknown> = {}, record: Record<string, unknown> = {}) =>
  JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Put',
        eventTime: '2026-04-01T08:00:00.5+02:00',
        ...record,
        s3: { bucket: { name: 'data' }, object: { key, size: 12, eTag: '0123abcd', sequencer: '0A', ...extra } },
      },
    ],
  });

describe('parseBatchMessage', () => {
  it('reads an ObjectCreated event, decoding the URL-encoded key', () => {
    expect(parseBatchMessage(s3Event('incoming/my+file%C3%A9.jsonl'))).toEqual({
      kind: 'objects',
      objects: [{ bucket: 'data', key: 'incoming/my fileé.jsonl', etag: '0123abcd', versionId: undefined, sequencer: '0A', uploadedAt: '2026-04-01T06:00:00.500Z' }],
    });
    expect(parseBatchMessage(s3Event('incoming/a.jsonl', { versionId: 'v1' }))).toMatchObject({ objects: [{ versionId: 'v1' }] });
  });

  it('recognises the S3 test event and the chunk messages', () => {
    expect(parseBatchMessage(JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Time: '2026-01-01T00:00:00Z', Bucket: 'data' }))).toEqual({ kind: 'test' });
    expect(parseBatchMessage(JSON.stringify({ type: 'batch-chunk', batch_id: 'b1', chunk: 3 }))).toEqual({ kind: 'chunk', batchId: 'b1', chunk: 3 });
  });

  it.each([
    ['not JSON', 'hello'],
    ['another event', JSON.stringify({ Records: [{ eventSource: 'aws:s3', eventName: 'ObjectRemoved:Delete', s3: { bucket: { name: 'b' }, object: { key: 'k', eTag: 'e' } } }] })],
    ['no records', JSON.stringify({ Records: [] })],
    ['an event without a sequencer', s3Event('incoming/a.jsonl', { sequencer: undefined })],
    ['an event whose sequencer is not hex', s3Event('incoming/a.jsonl', { sequencer: '0055AED6DCD9028G' })],
    ['an event whose sequencer is longer than any of S3', s3Event('incoming/a.jsonl', { sequencer: '1'.repeat(33) })],
    ['an event whose time is not a time', s3Event('incoming/a.jsonl', {}, { eventTime: 'yesterday' })],
    ['a bad chunk', JSON.stringify({ type: 'batch-chunk', batch_id: 'b1', chunk: -1 })],
  ])('treats %s as a poison message', (_, body) => {
    expect(() => parseBatchMessage(body)).toThrow(PoisonMessageError);
  });
});

describe('batchIdFor', () => {
  const object = { bucket: 'data', key: 'incoming/a.jsonl', etag: 'abc' };

  it('is the same for every delivery of one object version, quotes or not', () => {
    expect(batchIdFor(object)).toBe(batchIdFor({ ...object, etag: '"abc"' }));
    expect(batchIdFor(object)).toMatch(/^[0-9a-f]{32}$/);
  });

  it('differs when the bucket, key, content or version differs', () => {
    const ids = new Set([
      batchIdFor(object),
      batchIdFor({ ...object, bucket: 'other' }),
      batchIdFor({ ...object, key: 'incoming/b.jsonl' }),
      batchIdFor({ ...object, etag: 'abd' }),
      batchIdFor({ ...object, versionId: 'v1' }),
      batchIdFor({ ...object, versionId: 'v2' }),
    ]);
    expect(ids.size).toBe(6);
  });

  it('cannot be forged by moving text between bucket and key', () => {
    expect(batchIdFor({ ...object, bucket: 'a', key: 'b\nc' })).not.toBe(batchIdFor({ ...object, bucket: 'a\nb', key: 'c' }));
  });
});
