import { describe, expect, it } from '@jest/globals';
import { pyFixed, pyFloatRepr, pyInt, pyRound, pyThousands } from '../src/format.js';

/*
 * Every expected string below was produced by CPython 3 on this machine (the Python expression is
 * beside each case) and is hard-coded, because CI has no Python at test time. The 1.1.0 engine
 * formatted with Python, and users compare our strings with its strings byte for byte.
 */

describe('pyFixed — f"{x:.Nf}", half-to-even on the exact binary value', () => {
  it.each([
    // exact binary ties: half-to-even (JavaScript's toFixed would round these away from zero)
    [0.125, 2, '0.12'], // f'{0.125:.2f}'
    [0.375, 2, '0.38'], // f'{0.375:.2f}'
    [-0.125, 2, '-0.12'], // f'{-0.125:.2f}'
    [-0.375, 2, '-0.38'], // f'{-0.375:.2f}'
    [0.5, 0, '0'], // f'{0.5:.0f}'
    [1.5, 0, '2'], // f'{1.5:.0f}'
    [2.5, 0, '2'], // f'{2.5:.0f}'
    [3.5, 0, '4'], // f'{3.5:.0f}'
    [-2.5, 0, '-2'], // f'{-2.5:.0f}'
    [43.25, 1, '43.2'], // f'{43.25:.1f}'
    [0.25, 1, '0.2'], // f'{0.25:.1f}'
    [123456789.125, 2, '123456789.12'], // f'{123456789.125:.2f}'
    // decimal "ties" that are not binary ties: the exact value decides
    [1.005, 2, '1.00'], // f'{1.005:.2f}'  (1.00499999999999989...)
    [2.675, 2, '2.67'], // f'{2.675:.2f}'  (2.67499999999999982...)
    [0.045, 2, '0.04'], // f'{0.045:.2f}'
    [9.995, 2, '9.99'], // f'{9.995:.2f}'
    [0.005, 2, '0.01'], // f'{0.005:.2f}'  (0.00500000000000000010...)
    [0.015, 2, '0.01'], // f'{0.015:.2f}'
    [0.025, 2, '0.03'], // f'{0.025:.2f}'
    [72.45, 1, '72.5'], // f'{72.45:.1f}'
    [72.35, 1, '72.3'], // f'{72.35:.1f}'
    [99.95, 1, '100.0'], // f'{99.95:.1f}'  (carry into a new digit)
    [0.5, 1, '0.5'], // f'{0.5:.1f}'
    // sign of values that round to zero is kept
    [-0.001, 2, '-0.00'], // f'{-0.001:.2f}'
    [-0, 2, '-0.00'], // f'{-0.0:.2f}'
    [1e-7, 3, '0.000'], // f'{1e-07:.3f}'
    [0, 0, '0'], // f'{0.0:.0f}'
    [1.0000000000000002, 15, '1.000000000000000'], // f'{1.0000000000000002:.15f}'
    // large values: plain digits, never an exponent
    [1e20, 2, '100000000000000000000.00'], // f'{1e+20:.2f}'
    [2.5e20, 0, '250000000000000000000'], // f'{2.5e+20:.0f}'
    [1.5e21, 0, '1500000000000000000000'], // f'{1.5e+21:.0f}'
    [1e22, 1, '10000000000000000000000.0'], // f'{1e+22:.1f}'
    [12345678901234567168, 0, '12345678901234567168'], // f'{12345678901234567890.0:.0f}' (that double is 12345678901234567168)
    [2 ** 53, 1, '9007199254740992.0'], // f'{9007199254740992.0:.1f}'
  ])('pyFixed(%p, %p) === %p', (x, digits, expected) => {
    expect(pyFixed(x, digits)).toBe(expected);
  });

  it('writes non-finite values as Python does', () => {
    expect(pyFixed(Number.NaN, 2)).toBe('nan'); // f"{float('nan'):.2f}"
    expect(pyFixed(Number.POSITIVE_INFINITY, 2)).toBe('inf'); // f"{float('inf'):.2f}"
    expect(pyFixed(Number.NEGATIVE_INFINITY, 2)).toBe('-inf'); // f"{float('-inf'):.2f}"
  });
});

describe('pyRound — round(x, n)', () => {
  it.each([
    [43.25, 1, 43.2], // round(43.25, 1)
    [0.25, 1, 0.2], // round(0.25, 1)
    [2.5, 0, 2], // round(2.5, 0)
    [3.5, 0, 4], // round(3.5, 0)
    [0.125, 2, 0.12], // round(0.125, 2)
    [0.375, 2, 0.38], // round(0.375, 2)
    [2.675, 2, 2.67], // round(2.675, 2)
    [1.005, 2, 1], // round(1.005, 2)
    [0.0005, 3, 0.001], // round(0.0005, 3)  (0.000500000000000000010...)
    [0.6666666, 3, 0.667], // round(0.6666666, 3)
  ])('pyRound(%p, %p) === %p', (x, digits, expected) => {
    expect(pyRound(x, digits)).toBe(expected);
  });

  it('keeps the sign of a negative value that rounds to zero', () => {
    expect(Object.is(pyRound(-0.5, 0), -0)).toBe(true); // round(-0.5, 0) == -0.0
  });
});

describe('pyThousands — f"{x:,.0f}"', () => {
  it.each([
    [1381661.5, '1,381,662'], // f'{1381661.5:,.0f}'  (tie, 2 is even)
    [1381662.5, '1,381,662'], // f'{1381662.5:,.0f}'  (tie, stays on the even 2)
    [-1381661.5, '-1,381,662'], // f'{-1381661.5:,.0f}'
    [999.5, '1,000'], // f'{999.5:,.0f}'  (rounding adds a group)
    [999.4, '999'], // f'{999.4:,.0f}'
    [1234.5, '1,234'], // f'{1234.5:,.0f}'
    [1235.5, '1,236'], // f'{1235.5:,.0f}'
    [0.5, '0'], // f'{0.5:,.0f}'
    [2.5, '2'], // f'{2.5:,.0f}'
    [0, '0'], // f'{0.0:,.0f}'
    [-0.4, '-0'], // f'{-0.4:,.0f}'
    [1000, '1,000'], // f'{1000.0:,.0f}'
    [100000, '100,000'], // f'{100000.0:,.0f}'
    [123456789, '123,456,789'], // f'{123456789.0:,.0f}'
    [-1234567, '-1,234,567'], // f'{-1234567.0:,.0f}'
    [1e21, '1,000,000,000,000,000,000,000'], // f'{1e+21:,.0f}'
    [-1e21, '-1,000,000,000,000,000,000,000'], // f'{-1e+21:,.0f}'
    [1e22, '10,000,000,000,000,000,000,000'], // f'{1e+22:,.0f}'
  ])('pyThousands(%p) === %p', (x, expected) => {
    expect(pyThousands(x)).toBe(expected);
  });
});

describe('pyFloatRepr — repr(float)', () => {
  it.each([
    [25, '25.0'], // repr(25.0)
    [100, '100.0'], // repr(100.0)
    [-12.5, '-12.5'], // repr(-12.5)
    [0.1, '0.1'], // repr(0.1)
    [26.1, '26.1'], // repr(26.1)
    [0.1 + 0.2, '0.30000000000000004'], // repr(0.1 + 0.2)
    [1 / 3, '0.3333333333333333'], // repr(1/3)
    [123456789012345.6, '123456789012345.6'], // repr(123456789012345.6)
    [1e15, '1000000000000000.0'], // repr(1e15)
    [9999999999999998, '9999999999999998.0'], // repr(9999999999999998.0)  (largest below the switch)
    [1e16, '1e+16'], // repr(1e16)
    [1.5e16, '1.5e+16'], // repr(1.5e16)
    [2 ** 60, '1.152921504606847e+18'], // repr(2.0**60)
    [1e22, '1e+22'], // repr(1e22)
    [1.7976931348623157e308, '1.7976931348623157e+308'], // repr(sys.float_info.max)
    [0.0001, '0.0001'], // repr(0.0001)
    [0.00012345, '0.00012345'], // repr(0.00012345)
    [1e-5, '1e-05'], // repr(1e-05)
    [-1e-5, '-1e-05'], // repr(-1e-05)
    [-1.5e-7, '-1.5e-07'], // repr(-1.5e-07)
    [5e-324, '5e-324'], // repr(5e-324)
    [0, '0.0'], // repr(0.0)
    [-0, '-0.0'], // repr(-0.0)
  ])('pyFloatRepr(%p) === %p', (x, expected) => {
    expect(pyFloatRepr(x)).toBe(expected);
  });

  it('writes non-finite values as Python does', () => {
    expect(pyFloatRepr(Number.NaN)).toBe('nan'); // repr(float('nan'))
    expect(pyFloatRepr(Number.POSITIVE_INFINITY)).toBe('inf'); // repr(float('inf'))
    expect(pyFloatRepr(Number.NEGATIVE_INFINITY)).toBe('-inf'); // repr(float('-inf'))
  });
});

describe('pyInt — str(int)', () => {
  it.each([
    [0, '0'], // str(0)
    [5, '5'], // str(5)
    [-7, '-7'], // str(-7)
    [10001, '10001'], // str(10001)
    [2 ** 53, '9007199254740992'], // str(2**53)
    [2 ** 60, '1152921504606846976'], // str(2**60)
    [1e21, '1000000000000000000000'], // str(int(1e21))
  ])('pyInt(%p) === %p', (n, expected) => {
    expect(pyInt(n)).toBe(expected);
  });
});
