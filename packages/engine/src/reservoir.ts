import { createHash } from 'node:crypto';
import * as v from 'valibot';

/**
 * The reservoir of recent inputs that the daily context refresh fits on. A company scored on a day
 * draws one ticket: a uniform number in [0, 1) from the hash of the day and its id. It is kept when the
 * ticket falls below the sampling rate, and the refresh fits on the k lowest tickets of the window.
 *
 * The ticket depends on nothing a score could be correlated with, so the kept companies are a uniform
 * sample of the companies scored each day (a company scored ten times a day counts once, with its last
 * input), and the k lowest of a uniform sample are again a uniform sample, whatever the traffic: the
 * read side is bounded by k, the write side by the rate. Deciding costs one SHA-256 of a short string.
 */

/** Hex digits of the ticket: 52 bits, so that the fraction is exact in a double. */
const TICKET_HEX_DIGITS = 13;
const TICKET_SCALE = 2 ** (4 * TICKET_HEX_DIGITS);

/** The refresh fits on the companies scored today and yesterday: a day of inputs whatever the hour it runs. */
export const SAMPLE_WINDOW_DAYS = 2;

/** How long a sampled input is kept: the refresh's window and a day for a refresh that runs late. Fitted samples are kept with their context. */
export const SAMPLE_RETENTION_DAYS = SAMPLE_WINDOW_DAYS + 1;

/** The share of each day's companies kept in the reservoir, read from the setting `name`: a number in (0, 1]. */
export const sampleRateSetting = (name: string) =>
  v.pipe(
    v.string(),
    v.check(
      (text) => text.trim() !== '' && Number(text) > 0 && Number(text) <= 1,
      (issue) => `${name} must be a number greater than 0 and at most 1, such as 0.1 (got ${JSON.stringify(issue.input)})`,
    ),
    v.transform(Number),
  );

/** Reservoir partitions are UTC calendar days. */
export function sampleDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** The `count` days that end with `at`'s day, newest first. */
export function sampleWindow(at: Date, count: number): string[] {
  const start = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  return Array.from({ length: count }, (_, i) => sampleDay(new Date(start - i * 86_400_000)));
}

export interface SampleTicket {
  day: string;
  /** Fixed-width lowercase hex: sorting tickets as strings sorts them by value. */
  ticket: string;
}

/** The ticket a company draws on a day; the same company on the same day always draws the same one. */
export function drawTicket(companyId: string, day: string): SampleTicket {
  const ticket = createHash('sha256').update(`${day}\n${companyId}`).digest('hex').slice(0, TICKET_HEX_DIGITS);
  return { day, ticket };
}

/** The ticket as a fraction in [0, 1). */
export function ticketValue(ticket: string): number {
  return Number.parseInt(ticket, 16) / TICKET_SCALE;
}

/** The company's ticket when it is to be kept in the reservoir at this time, else null. */
export function sampleTicket(companyId: string, at: Date, rate: number): SampleTicket | null {
  const drawn = drawTicket(companyId, sampleDay(at));
  return ticketValue(drawn.ticket) < rate ? drawn : null;
}

/** The `k` entries with the lowest tickets: a uniform sample of `k` of them. */
export function lowestTickets<T extends { ticket: string }>(entries: Iterable<T>, k: number): T[] {
  return [...entries].sort((a, b) => (a.ticket < b.ticket ? -1 : a.ticket > b.ticket ? 1 : 0)).slice(0, k);
}
