import { describe, expect, it } from '@jest/globals';
import * as v from 'valibot';
import { drawTicket, lowestTickets, sampleDay, sampleRateSetting, sampleTicket, sampleWindow, ticketValue } from '../src/reservoir.js';

const ids = Array.from({ length: 20_000 }, (_, i) => `company-${i}`);

describe('reservoir tickets', () => {
  it('draws the same ticket for a company on a day, and another one the next day', () => {
    expect(drawTicket('acme-001', '2026-11-27')).toEqual(drawTicket('acme-001', '2026-11-27'));
    expect(drawTicket('acme-001', '2026-11-28').ticket).not.toBe(drawTicket('acme-001', '2026-11-27').ticket);
    expect(drawTicket('acme-001', '2026-11-27').ticket).toMatch(/^[0-9a-f]{13}$/);
  });

  it('orders tickets as strings exactly as by value', () => {
    const tickets = ids.slice(0, 2000).map((id) => drawTicket(id, '2026-11-27').ticket);
    const byString = [...tickets].sort();
    const byValue = [...tickets].sort((a, b) => ticketValue(a) - ticketValue(b));
    expect(byString).toEqual(byValue);
  });

  it('keeps a company exactly when its ticket falls below the rate', () => {
    const at = new Date('2026-11-27T10:00:00Z');
    for (const id of ids.slice(0, 500)) {
      const kept = sampleTicket(id, at, 0.3);
      expect(kept !== null).toBe(ticketValue(drawTicket(id, '2026-11-27').ticket) < 0.3);
    }
    expect(ids.slice(0, 500).every((id) => sampleTicket(id, at, 1) !== null)).toBe(true);
  });

  it('keeps close to the rate of companies, whichever ids they have', () => {
    const at = new Date('2026-11-27T10:00:00Z');
    const kept = ids.filter((id) => sampleTicket(id, at, 0.05) !== null).length;
    // Binomial(20000, 0.05): mean 1000, standard deviation about 31.
    expect(kept).toBeGreaterThan(1000 - 5 * 31);
    expect(kept).toBeLessThan(1000 + 5 * 31);
  });

  it('takes the k lowest tickets', () => {
    const entries = ids.slice(0, 300).map((id) => ({ id, ...drawTicket(id, '2026-11-27') }));
    const lowest = lowestTickets(entries, 10);
    expect(lowest).toHaveLength(10);
    const cutoff = ticketValue(lowest[9]!.ticket);
    expect(entries.filter((entry) => ticketValue(entry.ticket) <= cutoff)).toHaveLength(10);
    expect(lowestTickets(entries.slice(0, 3), 10)).toHaveLength(3);
  });
});

describe('reservoir days and rate', () => {
  it('names UTC days, newest first', () => {
    expect(sampleDay(new Date('2026-11-27T23:59:59.999Z'))).toBe('2026-11-27');
    expect(sampleWindow(new Date('2026-03-01T01:00:00Z'), 3)).toEqual(['2026-03-01', '2026-02-28', '2026-02-27']);
  });

  it.each([
    ['0.05', 0.05],
    ['1', 1],
    ['.5', 0.5],
  ])('reads the rate %s', (text, rate) => {
    expect(v.parse(sampleRateSetting('SAMPLE_RATE'), text)).toBe(rate);
  });

  it.each(['0', '1.5', '-0.1', 'all', ''])('refuses the rate "%s", naming the setting', (text) => {
    const result = v.safeParse(sampleRateSetting('SAMPLE_RATE'), text);
    expect(result.issues?.map((issue) => issue.message)).toEqual([`SAMPLE_RATE must be a number greater than 0 and at most 1, such as 0.1 (got ${JSON.stringify(text)})`]);
  });
});
