/**
 * Survival function of the two-sided one-sample Kolmogorov–Smirnov statistic D_n, P(D_n > x), for finite n
 * (scipy.stats.kstwo.sf). The two-sample test uses it as its large-sample approximation, with n the
 * effective sample size. The choice among exact and approximate methods follows Simard & L'Ecuyer,
 * "Computing the Two-Sided Kolmogorov-Smirnov Distribution", J. Stat. Softw. 39(11), 2011, with scipy's
 * cut-offs so that the p-values agree with it.
 */

/** Scale factor that keeps long products inside the double range; a power of two, so scaling is exact. */
const SCALE_EXPONENT = 128;
const SCALE_UP = 2 ** SCALE_EXPONENT;
const SCALE_DOWN = 2 ** -SCALE_EXPONENT;
const SQRT_2PI = Math.sqrt(2 * Math.PI);
const PI2 = Math.PI ** 2;
const PI4 = Math.PI ** 4;
const PI6 = Math.PI ** 6;
/** exp() of anything below this is 0 in double precision. */
const MIN_LOG = -708;

/** Largest n for which the exact methods (Durbin matrix, Pomeranz recursion) are used for every x. */
const SMALL_N = 140;

const clip01 = (p: number): number => Math.min(1, Math.max(0, p));

/** x·2^e, applying the power in steps so that neither factor over- or underflows on the way. */
function ldexp(x: number, e: number): number {
  let result = x;
  let rest = e;
  while (rest > 1000) {
    result *= 2 ** 1000;
    rest -= 1000;
  }
  while (rest < -1000) {
    result *= 2 ** -1000;
    rest += 1000;
  }
  return result * 2 ** rest;
}

/** log(n! / n^n) by Stirling's series; its coefficients B_2k / (2k(2k−1)), highest order first. */
function logFactorialOverPower(n: number): number {
  const coefficients = [-3617 / 122400, 1 / 156, -691 / 360360, 1 / 1188, -1 / 1680, 1 / 1260, -1 / 360, 1 / 12];
  const rn = 1 / n;
  const series = coefficients.reduce((acc, c) => acc * (rn / n) + c, 0);
  return Math.log(n) / 2 - n + Math.log(2 * Math.PI) / 2 + rn * series;
}

/**
 * One-sided Smirnov survival function P(D_n^+ > x) by the Birnbaum–Tingey sum
 * Σ_{v=0}^{⌊n(1−x)⌋} C(n,v)·x·(x+v/n)^(v−1)·(1−x−v/n)^(n−v), whose terms are all positive and are summed
 * from their logarithms.
 */
function smirnovSf(n: number, x: number): number {
  const last = Math.floor(n * (1 - x));
  let logBinomial = 0;
  let sum = 0;
  for (let v = 0; v <= last; v += 1) {
    if (v > 0) logBinomial += Math.log((n - v + 1) / v);
    const rest = (n - v) / n - x;
    if (rest <= 0) break;
    sum += Math.exp(logBinomial + Math.log(x) + (v - 1) * Math.log(x + v / n) + (n - v) * Math.log(rest));
  }
  return sum;
}

function matrixProduct(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i += 1) {
    for (let k = 0; k < m; k += 1) {
      const aik = a[i * m + k]!;
      if (aik === 0) continue;
      for (let j = 0; j < m; j += 1) out[i * m + j]! += aik * b[k * m + j]!;
    }
  }
  return out;
}

/** P(D_n ≤ d) by Durbin's matrix method as organised by Marsaglia, Tsang & Wang (J. Stat. Softw. 8(18), 2003). */
function durbinCdf(n: number, d: number): number {
  const nd = n * d;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let factorial = 1;
  for (let j = 1; j <= m; j += 1) {
    w[j - 1] = factorial;
    factorial /= j;
    v[j - 1] = (1 - h ** j) * factorial;
  }
  v[m - 1] = (1 + Math.max(2 * h - 1, 0) ** m - 2 * h ** m) * factorial;

  let H: Float64Array = new Float64Array(m * m);
  for (let col = 1; col < m; col += 1) {
    for (let row = col - 1; row < m; row += 1) H[row * m + col] = w[row - col + 1]!;
  }
  for (let row = 0; row < m; row += 1) H[row * m] = v[row]!;
  for (let col = 0; col < m; col += 1) H[(m - 1) * m + col] = v[m - 1 - col]!;

  let power: Float64Array = new Float64Array(m * m);
  for (let i = 0; i < m; i += 1) power[i * m + i] = 1;
  const centre = (k - 1) * m + (k - 1);
  let exponent = 0;
  let hExponent = 0;
  // H^n by repeated squaring; both H and the running product are rescaled by exact powers of two.
  for (let rest = n; rest > 0; rest = Math.floor(rest / 2)) {
    if (rest % 2 === 1) {
      power = matrixProduct(power, H, m);
      exponent += hExponent;
      if (Math.abs(power[centre]!) > SCALE_UP) {
        power = power.map((x) => x * SCALE_DOWN);
        exponent += SCALE_EXPONENT;
      }
    }
    H = matrixProduct(H, H, m);
    hExponent *= 2;
    if (Math.abs(H[centre]!) > SCALE_UP) {
      H = H.map((x) => x * SCALE_DOWN);
      hExponent += SCALE_EXPONENT;
    }
  }
  let p = power[centre]!;
  for (let i = 1; i <= n; i += 1) {
    p = (i * p) / n;
    if (Math.abs(p) < SCALE_DOWN) {
      p *= SCALE_UP;
      exponent -= SCALE_EXPONENT;
    }
  }
  return ldexp(p, exponent);
}

/** First and last column of row i in Pomeranz's recursion. */
function pomeranzBounds(i: number, n: number, ll: number, ceilF: number, roundF: number): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilF - 1;
    j2 = ll + ceilF - 1;
  } else {
    const half = Math.floor((i + 1) / 2);
    if ((i + 1) % 2 === 0) {
      if (half === n + 1) {
        j1 = n - ll - ceilF - 1;
        j2 = n + ll + ceilF - 1;
      } else {
        j1 = half - 1 - ll - roundF - 1;
        j2 = half + ll - 1 + ceilF - 1;
      }
    } else {
      j1 = half - 1 - ll - 1;
      j2 = half + ll + roundF - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/** P(D_n ≤ x) by Pomeranz's recursion (Comm. ACM 17(12), 1974, Algorithm 487). */
function pomeranzCdf(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilF = f > 0 ? 1 : 0;
  const roundF = f > 0.5 ? 1 : 0;
  const size = 2 * (ll + 1);
  // (g/n)^m/m!, (2g/n)^m/m! and ((1−2g)/n)^m/m!
  const powers = [g / n, (2 * g) / n, (1 - 2 * g) / n].map((base) => {
    const out = new Float64Array(size);
    out[0] = 1;
    for (let m = 1; m < size; m += 1) out[m] = (out[m - 1]! * base) / m;
    return out;
  });
  const [gPower, twoGPower, oneMinusTwoGPower] = powers as [Float64Array, Float64Array, Float64Array];

  let previous = new Float64Array(size);
  let current = new Float64Array(size);
  current[0] = 1;
  let previousStart = 0;
  let currentStart = 0;
  let exponent = 0;
  let [j1] = pomeranzBounds(0, n, ll, ceilF, roundF);
  for (let i = 1; i <= 2 * n + 1; i += 1) {
    const k1 = j1;
    [previous, current] = [current, previous];
    [previousStart, currentStart] = [currentStart, previousStart];
    current.fill(0);
    const [nextJ1, j2] = pomeranzBounds(i, n, ll, ceilF, roundF);
    j1 = nextJ1;
    const pw = i === 1 || i === 2 * n + 1 ? gPower : i % 2 === 1 ? twoGPower : oneMinusTwoGPower;
    const length = j2 - k1 + 1;
    if (length <= 0) continue;
    const offset = k1 - previousStart;
    const left = Math.min(length, size - offset);
    const right = Math.min(length, size);
    // Entries j1−k1 … j2−k1 of the full convolution of previous[offset, offset+left) with pw[0, right).
    for (let out = j1 - k1; out <= j2 - k1; out += 1) {
      let sum = 0;
      for (let a = Math.max(0, out - right + 1); a <= Math.min(out, left - 1); a += 1) sum += previous[offset + a]! * pw[out - a]!;
      current[out - (j1 - k1)] = sum;
    }
    const largest = current.reduce((max, value) => Math.max(max, value), -Infinity);
    if (largest > 0 && largest < SCALE_DOWN) {
      for (let j = 0; j < size; j += 1) current[j]! *= SCALE_UP;
      exponent -= SCALE_EXPONENT;
    }
    currentStart = previousStart + j1 - k1;
  }
  let answer = current[n - currentStart]!;
  for (let m = 1; m <= n; m += 1) {
    if (Math.abs(answer) > SCALE_UP) {
      answer *= SCALE_DOWN;
      exponent += SCALE_EXPONENT;
    }
    answer *= m;
  }
  return ldexp(answer, exponent);
}

/** P(D_n ≤ x) by the Pelz–Good asymptotic series (J. R. Stat. Soc. B 38(2), 1976). */
function pelzGoodCdf(n: number, x: number): number {
  const z = Math.sqrt(n) * x;
  const z2 = z ** 2;
  const z3 = z ** 3;
  const z4 = z ** 4;
  const z6 = z ** 6;
  const qLog = -PI2 / 8 / z2;
  if (qLog < MIN_LOG) return 0;
  let q = Math.exp(qLog);

  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64;
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;

  const terms = [0, 0, 0, 0];
  const maxK = Math.ceil((16 * z) / Math.PI);
  for (let k = maxK; k > 0; k -= 1) {
    const m = 2 * k - 1;
    const m2 = m ** 2;
    const m4 = m ** 4;
    const m6 = m ** 6;
    const qPower = q ** (8 * k);
    const coefficients = [1, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6];
    for (let i = 0; i < 4; i += 1) terms[i] = terms[i]! * qPower + coefficients[i]!;
  }
  const divisors = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i += 1) terms[i] = (terms[i]! * q * SQRT_2PI) / divisors[i]!;

  q = Math.exp(-PI2 / 2 / z2);
  let k2Extra = 0;
  let k3Extra = 0;
  const sqrt3z = Math.sqrt(3) * z;
  for (let k = maxK; k > 0; k -= 1) {
    const k2 = k * k;
    const qPower = q ** k2;
    k2Extra += k2 * qPower;
    k3Extra += (sqrt3z + Math.PI * k) * (sqrt3z - Math.PI * k) * k2 * qPower;
  }
  terms[2]! += (k2Extra * PI2 * SQRT_2PI) / (-36 * z3);
  terms[3]! += (k3Extra * PI2 * SQRT_2PI) / (216 * z6);
  return terms.reduce((sum, term, i) => sum + term / n ** (i / 2), 0);
}

/** P(D_n > x) for a sample of n. */
export function kolmogorovSf(n: number, x: number): number {
  if (!Number.isInteger(n) || n <= 0) throw new RangeError(`kolmogorovSf needs a positive integer n, got ${n}`);
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  // Ruben–Gambino closed forms at both ends of the support.
  if (t <= 1) {
    if (t <= 0.5) return 1;
    const cdf = n <= SMALL_N ? product(n, (i) => (i / n) * (2 * t - 1)) : Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    return clip01(1 - cdf);
  }
  if (t >= n - 1) return clip01(2 * (1 - x) ** n);
  // Beyond 1/2 the two one-sided excursions exclude each other.
  if (x >= 0.5) return clip01(2 * smirnovSf(n, x));

  const nx2 = t * x;
  if (n <= SMALL_N) {
    if (nx2 <= 0.754693) return clip01(1 - durbinCdf(n, x));
    if (nx2 <= 4) return clip01(1 - pomeranzCdf(n, x));
    return clip01(2 * smirnovSf(n, x));
  }
  if (nx2 >= 370) return 0;
  if (nx2 >= 2.2) return clip01(2 * smirnovSf(n, x));
  const cdf = n <= 100_000 && n * x ** 1.5 <= 1.4 ? durbinCdf(n, x) : pelzGoodCdf(n, x);
  return clip01(1 - cdf);
}

function product(n: number, factor: (i: number) => number): number {
  let p = 1;
  for (let i = 1; i <= n; i += 1) p *= factor(i);
  return p;
}
