import { describe, expect, it } from '@jest/globals';
import { createRouter, type Route } from '../src/router.js';

const route = (method: Route['method'], path: string): Route => ({ method, path, apiKeyRequired: true, handle: () => Promise.reject(new Error('not called')) });
const scores = route('GET', '/scores/{company_id}');
const score = route('POST', '/score');
const batch = route('POST', '/score/batch');
const router = createRouter([score, batch, scores]);

describe('router', () => {
  it('matches literal routes by method and path', () => {
    expect(router.match('POST', '/score/batch')).toEqual({ kind: 'found', route: batch, params: {} });
  });

  it('decodes path parameters, keeping an encoded slash inside its segment', () => {
    expect(router.match('GET', '/scores/acme%2Fus%20east')).toEqual({ kind: 'found', route: scores, params: { company_id: 'acme/us east' } });
  });

  it('lists the allowed methods when only the method is wrong', () => {
    expect(router.match('GET', '/score')).toEqual({ kind: 'method_not_allowed', allow: ['POST'] });
  });

  it.each([
    ['an unknown path', '/stats'],
    ['a trailing slash', '/score/'],
    ['an empty parameter', '/scores/'],
    ['an extra segment', '/scores/acme/latest'],
    ['broken percent-encoding', '/scores/acme%zz'],
  ])('finds nothing for %s', (_, path) => {
    expect(router.match('GET', path)).toEqual({ kind: 'not_found' });
  });
});
