/**
 * Python-compatible number formatting. The 1.1.0 engine formatted with Python, whose `round()` and
 * `{:.Nf}` round the exact binary value half-to-even, whereas JavaScript's `toFixed` rounds exact ties
 * away from zero, and whose float `repr` switches to exponents at other magnitudes than `String()`.
 * Users compare our strings with theirs byte for byte, so every user-visible number goes through here.
 */

/** `f"{x:.{digits}f}"`: fixed notation, exact binary value rounded half-to-even. */
export function pyFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : x < 0 ? '-inf' : 'nan';
  const scaled = Math.abs(x) * 10 ** digits;
  // toFixed already rounds the exact value correctly except on an exact tie; a tie can only sit where the
  // (possibly inexact) scaled value lands near .5, so only those few take the exact decimal path. Above
  // 2^33 the scaled value keeps too few fraction bits to tell, so those always take it.
  if (scaled < 2 ** 33 && Math.abs(scaled - Math.floor(scaled) - 0.5) > 1e-6) return fixedSign(x, Math.abs(x).toFixed(digits));
  return fixedSign(x, exactFixed(Math.abs(x), digits));
}

// Python keeps the sign of a negative number that rounds to zero ("-0.00"); so does toFixed.
function fixedSign(x: number, body: string): string {
  return x < 0 || Object.is(x, -0) ? `-${body}` : body;
}

/** Rounds the exact decimal expansion of a non-negative double half-to-even at `digits` places. */
function exactFixed(x: number, digits: number): string {
  const [intPart, fracPart = ''] = exactDecimal(x).split('.');
  const kept = fracPart.padEnd(digits, '0').slice(0, digits);
  const rest = fracPart.slice(digits);
  let digitsStr = (intPart ?? '0') + kept;
  const first = rest.charCodeAt(0) - 48;
  const tail = rest.slice(1);
  const lastKept = digitsStr.charCodeAt(digitsStr.length - 1) - 48;
  const roundUp = first > 5 || (first === 5 && (/[1-9]/.test(tail) || lastKept % 2 === 1));
  if (roundUp) digitsStr = incrementDecimal(digitsStr);
  const cut = digitsStr.length - digits;
  return digits === 0 ? digitsStr : `${digitsStr.slice(0, cut)}.${digitsStr.slice(cut)}`;
}

/** The exact decimal value of a non-negative double (every double is a finite binary fraction). */
function exactDecimal(x: number): string {
  if (x < 1e21) return x.toFixed(100).replace(/0+$/, '').replace(/\.$/, '');
  return BigInt(x).toString();
}

function incrementDecimal(digits: string): string {
  const chars = digits.split('');
  for (let i = chars.length - 1; i >= 0; i--) {
    if (chars[i] === '9') chars[i] = '0';
    else {
      chars[i] = String.fromCharCode(chars[i]!.charCodeAt(0) + 1);
      return chars.join('');
    }
  }
  return `1${chars.join('')}`;
}

/** Python's `round(x, digits)` for floats: the exact binary value rounded half-to-even. */
export function pyRound(x: number, digits: number): number {
  return Number(pyFixed(x, digits));
}

/** `f"{x:,.0f}"`: no decimals, thousands separated by commas. */
export function pyThousands(x: number): string {
  const fixed = pyFixed(x, 0);
  const start = fixed.startsWith('-') ? 1 : 0;
  let grouped = fixed.slice(0, start);
  const digits = fixed.length - start;
  for (let i = 0; i < digits; i++) {
    if (i > 0 && (digits - i) % 3 === 0) grouped += ',';
    grouped += fixed[start + i];
  }
  return grouped;
}

/**
 * `repr(x)` / `str(x)` of a Python float: the shortest round-tripping digits, always with a decimal point
 * or an exponent (`25.0`, `-12.5`, `1e+16`, `1e-05`), exponent form below 1e-4 and from 1e16.
 */
export function pyFloatRepr(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa = '', expText = '0'] = x.toExponential().split('e');
  const exponent = Number(expText);
  if (exponent >= -4 && exponent < 16) {
    const negative = mantissa.startsWith('-');
    const digits = mantissa.replace('-', '').replace('.', '');
    let text: string;
    if (exponent < 0) text = `0.${'0'.repeat(-exponent - 1)}${digits}`;
    else if (digits.length > exponent + 1) text = `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
    else text = `${digits.padEnd(exponent + 1, '0')}.0`;
    return negative ? `-${text}` : text;
  }
  const sign = exponent < 0 ? '-' : '+';
  return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

/** `str(n)` of a Python int held in a double: plain digits at every magnitude. */
export function pyInt(n: number): string {
  return Number.isSafeInteger(n) ? String(n) : BigInt(Math.trunc(n)).toString();
}
