/**
 * Median time per item over `rounds` passes through `items`, after a warm-up pass so the JIT has
 * compiled the hot path; a pass's time divided by its size is one sample.
 */
export function medianMicrosPerItem<T>(items: readonly T[], rounds: number, work: (item: T) => unknown): number {
  let sink = 0;
  for (let i = 0; i < Math.max(50, rounds / 10); i++) for (const item of items) sink += work(item) === undefined ? 0 : 1;
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = process.hrtime.bigint();
    for (const item of items) sink += work(item) === undefined ? 0 : 1;
    samples.push(Number(process.hrtime.bigint() - started) / 1000 / items.length);
  }
  if (sink < 0) console.log(sink); // keeps the results observable so no work is optimised away
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}
