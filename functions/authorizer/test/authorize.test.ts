import { describe, expect, it } from '@jest/globals';
import type { ApiKeyTenant } from '@echo-ridge/store';
import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { authorize, UNAUTHORIZED } from '../src/authorize.js';

const METHOD_ARN = 'arn:aws:execute-api:eu-west-1:123456789012:abcdef1234/v1/GET/scores/acme-001';
const RECORDS: Record<string, ApiKeyTenant> = {
  'er_key_acme_0123456789abcdef': { key_id: 'k1acme', tenant: 'acme', plan: 'standard', created_at: '2026-12-03T07:00:00.000Z' },
};
const deps = { findTenant: (value: string) => Promise.resolve(RECORDS[value]) };
const event = (headers: Record<string, string>) => ({ type: 'REQUEST', methodArn: METHOD_ARN, headers, path: '/scores/acme-001' }) as unknown as APIGatewayRequestAuthorizerEvent;

describe('authorize', () => {
  it('allows a known key on the whole API, with its tenant in the context and the key as the usage identifier', async () => {
    expect(await authorize(event({ 'X-Api-Key': 'er_key_acme_0123456789abcdef' }), deps)).toEqual({
      principalId: 'k1acme',
      usageIdentifierKey: 'er_key_acme_0123456789abcdef',
      context: { tenant: 'acme' },
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: 'arn:aws:execute-api:eu-west-1:123456789012:abcdef1234/v1/*' }],
      },
    });
  });

  it.each([
    ['no key', {}],
    ['an empty key', { 'x-api-key': '' }],
    ['an unknown or revoked key', { 'x-api-key': 'er_key_revoked_0123456789ab' }],
  ])('refuses %s with the error API Gateway turns into 401', async (_, headers) => {
    await expect(authorize(event(headers), deps)).rejects.toThrow(UNAUTHORIZED);
  });

  it('lets a lookup failure through as itself (a 500, which API Gateway does not cache)', async () => {
    await expect(authorize(event({ 'x-api-key': 'er_key_acme_0123456789abcdef' }), { findTenant: () => Promise.reject(new Error('table down')) })).rejects.toThrow('table down');
  });
});
