/** A customer tier: every API key is put on exactly one of these plans. */
export interface UsageTier {
  readonly name: 'standard' | 'premium';
  /** Steady requests per second per key. */
  readonly rateLimit: number;
  /** Requests a key may send at once above the steady rate. */
  readonly burstLimit: number;
  /** Requests per key per calendar month. */
  readonly monthlyQuota: number;
}

/** The plans API Gateway meters keys on (infra/lib/api.ts), and the local gateway throttles keys with. */
export const USAGE_TIERS: readonly UsageTier[] = [
  { name: 'standard', rateLimit: 10, burstLimit: 20, monthlyQuota: 100_000 },
  { name: 'premium', rateLimit: 100, burstLimit: 200, monthlyQuota: 5_000_000 },
];

export type UsageTierName = UsageTier['name'];

export function usageTier(name: UsageTierName): UsageTier {
  return USAGE_TIERS.find((tier) => tier.name === name)!;
}

/**
 * The throttle of each route without a key, on its own method (API Gateway method settings; the local
 * gateway keeps one bucket per method): a flood of /healthz or /openapi.json empties only its own
 * bucket, never the keys' plans nor the stage's other methods. The canary calls /healthz once a minute.
 */
export const PUBLIC_ROUTE_THROTTLE = { rateLimit: 20, burstLimit: 40 } as const;
