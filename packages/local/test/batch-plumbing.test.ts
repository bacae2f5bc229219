import { describe, expect, it } from '@jest/globals';
import { parseBatchMessage } from '@echo-ridge/batch';
import type { BatchRun } from '@echo-ridge/store';
import { outboxNames, settledFiles, summaryLine } from '../src/inbox.js';
import { objectCreatedEvent, sequencerClock, unannounced } from '../src/s3-sqs-bridge.js';
import { sqsRecord, succeeded } from '../src/sqs-poller.js';

describe('the S3 to SQS bridge', () => {
  it('announces a key the way S3 encodes it, so that the batch function reads back the same key', () => {
    for (const key of ['incoming/plain.jsonl', 'incoming/with space+plus.jsonl', 'incoming/dossier/été 2026 (1).jsonl']) {
      const event = objectCreatedEvent('data', { key, etag: 'abc', size: 10, sequencer: '0055AED6DCD90281E5' }, 'us-east-1', new Date('2026-04-01T08:00:00.250Z'));
      expect(parseBatchMessage(event)).toEqual({
        kind: 'objects',
        objects: [{ bucket: 'data', key, etag: 'abc', versionId: undefined, sequencer: '0055AED6DCD90281E5', uploadedAt: '2026-04-01T08:00:00.250Z' }],
      });
    }
  });

  it('hands out sequencers that grow with every event, within a millisecond, across a restart and past a clock step back', () => {
    let now = 1_780_000_000_000;
    const first = sequencerClock(() => now);
    const a = first();
    const b = first();
    now -= 5;
    const c = first();
    now += 10;
    const d = sequencerClock(() => now)();
    const ordered = (x: string, y: string) => x.padStart(64, '0') < y.padStart(64, '0');
    expect([ordered(a, b), ordered(b, c), ordered(c, d)]).toEqual([true, true, true]);
    expect(a).toMatch(/^[0-9A-F]{18}$/);
  });

  it('announces each new object version once, filtered by suffix', () => {
    const listed = [
      { Key: 'incoming/a.jsonl', ETag: '"e1"', Size: 3 },
      { Key: 'incoming/b.jsonl', ETag: '"e2"', Size: 4 },
      { Key: 'incoming/notes.txt', ETag: '"e3"', Size: 5 },
    ];
    expect(unannounced(listed, new Set(['incoming/a.jsonl\ne1']), '.jsonl')).toEqual([{ key: 'incoming/b.jsonl', etag: 'e2', size: 4 }]);
    // Overwritten with new content: a new version, announced again.
    expect(unannounced([{ Key: 'incoming/a.jsonl', ETag: '"e9"', Size: 3 }], new Set(['incoming/a.jsonl\ne1']), '.jsonl')).toHaveLength(1);
  });
});

describe('the SQS poller', () => {
  const records = ['m1', 'm2', 'm3'].map((id) => sqsRecord({ MessageId: id, ReceiptHandle: `r-${id}`, Body: '{}', Attributes: { ApproximateReceiveCount: '2' } }, 'arn:q', 'us-east-1'));

  it('builds the records Lambda delivers', () => {
    expect(records[0]).toMatchObject({ messageId: 'm1', receiptHandle: 'r-m1', eventSource: 'aws:sqs', eventSourceARN: 'arn:q', attributes: { ApproximateReceiveCount: '2' } });
  });

  it('deletes all but the reported failures, and nothing when the invocation failed', () => {
    expect(succeeded(records, { batchItemFailures: [{ itemIdentifier: 'm2' }] }).map((record) => record.messageId)).toEqual(['m1', 'm3']);
    expect(succeeded(records, undefined)).toEqual([]);
  });
});

describe('the inbox', () => {
  it('takes a file once its size and time have held still over one look, and only once per version', () => {
    const before = new Map([['a.jsonl', '10:1'], ['b.jsonl', '5:1']]);
    const now = new Map([['a.jsonl', '10:1'], ['b.jsonl', '9:2'], ['c.jsonl', '1:3']]);
    expect(settledFiles(before, now, new Map())).toEqual(['a.jsonl']);
    expect(settledFiles(before, now, new Map([['a.jsonl', '10:1']]))).toEqual([]);
  });

  it('names the outbox files and summarises the batch on one line', () => {
    expect(outboxNames('companies.jsonl')).toEqual({ results: 'companies.results.jsonl', errors: 'companies.errors.jsonl' });
    const run = { batch_id: 'b1', status: 'completed', total: 3, successful: 2, failed: 1, started_at: '2026-01-01T00:00:00.000Z', completed_at: '2026-01-01T00:00:01.250Z' } as BatchRun;
    expect(summaryLine('inbox/x.jsonl', run)).toBe('inbox/x.jsonl: batch b1 3 lines, 2 scored, 1 failed in 1.25 s');
    expect(summaryLine('inbox/y.jsonl', { ...run, status: 'failed', failure_reason: 'binary', total: 0, successful: 0, failed: 0 })).toBe(
      'inbox/y.jsonl: batch b1 FAILED (binary); 0 lines, 0 scored, 0 failed in 1.25 s',
    );
  });
});
