import betainc from '@stdlib/math-base-special-betainc';
import erfc from '@stdlib/math-base-special-erfc';

/** Two-sided p-value of a standard normal statistic: 2·(1 − Φ(|z|)), without cancellation in the tail. */
export function normalTwoSidedP(z: number): number {
  return erfc(Math.abs(z) / Math.SQRT2);
}

/**
 * Two-sided p-value of a correlation coefficient r over n pairs under the null of no correlation:
 * t = r·sqrt((n−2)/(1−r²)) has Student's t with n−2 degrees of freedom, and 2·P(T > |t|) equals the
 * regularized incomplete beta I_{1−r²}((n−2)/2, 1/2). scipy's pearsonr (beta form) and spearmanr (t form)
 * are both this value.
 */
export function correlationTwoSidedP(r: number, n: number): number {
  const a = Math.abs(r);
  // (1−a)(1+a) keeps the precision that 1 − a² loses when |r| is close to 1.
  return Math.min(1, betainc((1 - a) * (1 + a), (n - 2) / 2, 0.5));
}
