import { describe, expect, it } from '@jest/globals';
import { decodeCursor, encodeCursor } from '../src/cursor.js';
import { InvalidCursorError } from '../src/errors.js';

const HISTORY_KEY = ['pk', 'sk'] as const;
const key = { pk: 'COMPANY#acme', sk: 'SCORE#2026-01-01T00:00:00.000Z#id' };

describe('cursors', () => {
  it('round-trips the last key of a page and is URL-safe', () => {
    const cursor = encodeCursor(key);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, HISTORY_KEY, { pk: 'COMPANY#acme' })).toEqual(key);
  });

  it('refuses a cursor of another company', () => {
    expect(() => decodeCursor(encodeCursor(key), HISTORY_KEY, { pk: 'COMPANY#other' })).toThrow(InvalidCursorError);
  });

  it('refuses a cursor with other key attributes than the listing', () => {
    const batchKey = { ...key, gsi1pk: 'BATCH#b', gsi1sk: 'ITEM#000001' };
    expect(() => decodeCursor(encodeCursor(batchKey), HISTORY_KEY, { pk: 'COMPANY#acme' })).toThrow(InvalidCursorError);
    expect(() => decodeCursor(encodeCursor({ pk: 'COMPANY#acme' }), HISTORY_KEY, { pk: 'COMPANY#acme' })).toThrow(InvalidCursorError);
  });

  it.each([
    ['not base64 JSON', 'abc'],
    ['a JSON array', Buffer.from('["COMPANY#acme"]').toString('base64url')],
    ['non-string key values', encodeCursor({ pk: 'COMPANY#acme', sk: 7 })],
  ])('refuses %s', (_, cursor) => {
    expect(() => decodeCursor(cursor, HISTORY_KEY, { pk: 'COMPANY#acme' })).toThrow(InvalidCursorError);
  });
});
