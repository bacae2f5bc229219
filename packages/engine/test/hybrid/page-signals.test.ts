import { describe, expect, it } from '@jest/globals';
import { readPageSignals } from '../../src/hybrid/page-signals.js';

describe('readPageSignals', () => {
  it('finds CRM and e-commerce markers', () => {
    expect(readPageSignals('log in to the customer portal')).toMatchObject({ crm: true, ecommerce: false });
    expect(readPageSignals('powered by shopify - buy now')).toMatchObject({ crm: false, ecommerce: true });
  });

  it('does not take generic words for markers', () => {
    expect(readPageSignals('login | pricing | contact us | check out our menu')).toMatchObject({ crm: false, ecommerce: false });
  });

  it('takes the largest stated service count of any pattern', () => {
    expect(readPageSignals('services: 4. we offer 9 treatments').servicesCount).toBe(9);
    expect(readPageSignals('3 services in town').servicesCount).toBe(3);
    expect(readPageSignals('our services: plumbing').servicesCount).toBeUndefined();
  });

  it('estimates revenue as the largest price × 12 × 10', () => {
    expect(readPageSignals('from $19/mo or $29.50 per seat').revenueEstimateUsd).toBe(29.5 * 120);
    expect(readPageSignals('revenue: $5000').revenueEstimateUsd).toBe(600_000);
    expect(readPageSignals('annual: $300').revenueEstimateUsd).toBe(36_000);
    expect(readPageSignals('a $20 gift card').revenueEstimateUsd).toBeUndefined();
  });

  it('reads amounts as plain digits, as 1.1.0 did ("$1,200" is 1)', () => {
    expect(readPageSignals('annual: $1,200').revenueEstimateUsd).toBe(120);
  });
});
