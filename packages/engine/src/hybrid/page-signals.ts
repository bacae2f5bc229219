/**
 * What the adapter reads from a company's web pages. Markers are phrases that only a CRM or a shop puts
 * on a page ("unambiguous"): a bare "login" or "pricing" says nothing about either.
 */
const CRM_MARKERS = [
  'client portal',
  'customer portal',
  'member login',
  'client login',
  'customer login',
  'salesforce',
  'hubspot',
  'zoho crm',
  'pipedrive',
  'dynamics 365',
];

const ECOMMERCE_MARKERS = [
  'add to cart',
  'shopping cart',
  'checkout',
  'buy now',
  'online store',
  'shopify',
  'woocommerce',
  'bigcommerce',
  'magento',
];

const SERVICE_COUNT_PATTERNS = [/services:\s*(\d+)/g, /(\d+)\s+services/g, /we offer\s+(\d+)/g];

// Amounts are read as plain digits, so "$1,200" reads as 1, exactly as the 1.1.0 engine did: its
// vectors (a page with "$49 per month, annual: $1,200" gives 5880) depend on it.
const AMOUNT = String.raw`\$(\d+(?:\.\d+)?)`;
const PRICE_PATTERNS = [new RegExp(`${AMOUNT}\\s*(?:per\\b|/)`, 'g'), new RegExp(`revenue:\\s*${AMOUNT}`, 'g'), new RegExp(`annual:\\s*${AMOUNT}`, 'g')];

/** The 1.1.0 revenue estimate: the highest price found, as a monthly price, for a year, times ten. */
const MONTHS_PER_YEAR = 12;
const REVENUE_MULTIPLIER = 10;

export interface PageSignals {
  crm: boolean;
  ecommerce: boolean;
  /** Undefined when no page states a service count. */
  servicesCount: number | undefined;
  /** Undefined when no page states a price. */
  revenueEstimateUsd: number | undefined;
}

function largestCapture(text: string, patterns: RegExp[]): number | undefined {
  const values = patterns.flatMap((pattern) => [...text.matchAll(pattern)].map((match) => Number(match[1])));
  return values.length > 0 ? Math.max(...values) : undefined;
}

/** Reads the signals from the lower-cased text of all pages. */
export function readPageSignals(text: string): PageSignals {
  const price = largestCapture(text, PRICE_PATTERNS);
  return {
    crm: CRM_MARKERS.some((marker) => text.includes(marker)),
    ecommerce: ECOMMERCE_MARKERS.some((marker) => text.includes(marker)),
    servicesCount: largestCapture(text, SERVICE_COUNT_PATTERNS),
    revenueEstimateUsd: price === undefined ? undefined : price * MONTHS_PER_YEAR * REVENUE_MULTIPLIER,
  };
}
