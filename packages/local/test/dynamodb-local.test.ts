/** How DynamoDB Local is started: what its JVM is given, and that this process's environment is left as it was. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { startDynamoDbLocal, type DynamoDbLocal } from '../src/dynamodb-local.js';

describe('startDynamoDbLocal', () => {
  let dynamoDb: DynamoDbLocal;
  const before = { ...process.env };
  beforeAll(async () => {
    dynamoDb = await startDynamoDbLocal();
  });
  afterAll(() => dynamoDb.stop());

  /** The JVM's environment as the kernel holds it. */
  const environment = () =>
    new Map(
      readFileSync(`/proc/${dynamoDb.pid}/environ`, 'utf8')
        .split('\0')
        .filter(Boolean)
        .map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)] as const),
    );

  it('starts the emulator with telemetry off, so it never tries to reach AWS', () => {
    expect(environment().get('DDB_LOCAL_TELEMETRY')).toBe('0');
  });

  it('gives the JVM its quick-start options, the user’s own after them', () => {
    expect(environment().get('JDK_JAVA_OPTIONS')).toMatch(/^-XX:TieredStopAtLevel=1 -XX:\+UseSerialGC/);
  });

  it('leaves this process’s environment as it found it', () => {
    expect(process.env.DDB_LOCAL_TELEMETRY).toBe(before.DDB_LOCAL_TELEMETRY);
    expect(process.env.JDK_JAVA_OPTIONS).toBe(before.JDK_JAVA_OPTIONS);
  });
});
