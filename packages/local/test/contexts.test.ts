import { PutObjectCommand } from '@aws-sdk/client-s3';
import { contextChecksum, defaultContext, fitContext, sampleTicket, serializeContext, type NormContext } from '@echo-ridge/engine';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { ConflictError, contextObjectKey, ContextRefusedError, createSampler, readReservoir } from '@echo-ridge/store';
import { EXAMPLE_COMPANIES as companies } from './support/companies.js';
import { useContextEmulators } from './support/context-emulators.js';

/** Published contexts and the reservoir on DynamoDB Local and fauxqs, with the stack's table and bucket. */

let clock: Date;
const local = useContextEmulators('contexts', () => clock);

/** A context fitted at a given second on a slice of the examples, so that each has its own version. */
const fitted = (second: number, from = 0): NormContext => fitContext(companies.slice(from, from + 100), { now: new Date(Date.UTC(2026, 10, 27, 3, 0, second)) });

beforeEach(() => {
  clock = new Date('2026-11-27T03:00:00.000Z');
});

describe('published contexts', () => {
  it('publishes a first context with its sample, then finds, loads and lists it', async () => {
    const context = fitted(1);
    const sample = companies.slice(0, 100);
    const result = await local.contexts.publish(context, { expected: null, sample });
    expect(result).toEqual({
      published: true,
      pointer: {
        version: context.version,
        checksum: context.checksum,
        fitted_at: context.fitted_at,
        companies_count: context.companies_count,
        published_at: clock.toISOString(),
        has_sample: true,
        previous_version: null,
      },
    });
    expect(await local.contexts.pointer()).toEqual(result.published && result.pointer);
    expect(await local.contexts.load(context)).toEqual(context);
    expect(await local.emulators.readText(contextObjectKey(context.version))).toBe(serializeContext(context));
    expect(await local.contexts.sample(context.version)).toEqual(JSON.parse(JSON.stringify(sample)));
    expect((await local.contexts.list()).map((record) => record.version)).toEqual([context.version]);
  });

  it('moves the pointer only from the version the publisher read', async () => {
    const first = fitted(1);
    const second = fitted(2, 10);
    await local.contexts.publish(first, { expected: null });
    expect(await local.contexts.publish(second, { expected: null })).toMatchObject({ published: false, current: { version: first.version } });
    const moved = await local.contexts.publish(second, { expected: first.version });
    expect(moved).toMatchObject({ published: true, pointer: { version: second.version, previous_version: first.version, has_sample: false } });
    expect((await local.contexts.list()).map((record) => record.version)).toEqual([second.version, first.version]);
  });

  it('lets exactly one of two racing publishers win, and leaves a context the pointer names intact', async () => {
    await local.contexts.publish(fitted(1), { expected: null });
    const base = (await local.contexts.pointer())!.version;
    const rivals = [fitted(2, 5), fitted(3, 15)];
    const results = await Promise.all(rivals.map((context) => local.contexts.publish(context, { expected: base, sample: companies.slice(0, 100) })));
    expect(results.filter((result) => result.published)).toHaveLength(1);
    const pointer = (await local.contexts.pointer())!;
    const winner = rivals.find((context) => context.version === pointer.version)!;
    expect(pointer.previous_version).toBe(base);
    expect(await local.contexts.load(pointer)).toEqual(winner);
    const loser = results.find((result) => !result.published);
    expect(loser).toEqual({ published: false, current: pointer });
    // The loser left objects behind, but no record: it is not a published version.
    expect((await local.contexts.list()).map((record) => record.version)).toEqual([pointer.version, base]);
  });

  it('refuses a context whose object was edited, or replaced by another valid context', async () => {
    const context = fitted(1);
    await local.contexts.publish(context, { expected: null });
    const put = (body: string) => local.emulators.s3.send(new PutObjectCommand({ Bucket: local.emulators.bucket, Key: contextObjectKey(context.version), Body: body }));

    const edited = JSON.parse(serializeContext(context)) as NormContext;
    edited.stats.digital_pagespeed.mean += 1;
    await put(JSON.stringify(edited));
    await expect(local.contexts.load(context)).rejects.toThrow(ContextRefusedError);
    await expect(local.contexts.load(context)).rejects.toThrow(/checksum .* does not match its content/);

    const resealed = { ...edited, checksum: contextChecksum(edited) };
    await put(JSON.stringify(resealed));
    await expect(local.contexts.load(context)).rejects.toThrow(`not the published ${context.version} (checksum ${context.checksum})`);
  });

  it('refuses another content under a published version, and republishes the same one', async () => {
    const context = fitted(1);
    await local.contexts.publish(context, { expected: null });
    const other = { ...fitted(2, 20), version: context.version };
    await expect(local.contexts.publish(other, { expected: context.version })).rejects.toThrow(ConflictError);
    expect(await local.contexts.load(context)).toEqual(context);
    expect(await local.contexts.publish(context, { expected: context.version })).toMatchObject({ published: true });
  });

  it('answers undefined for a version never published, and refuses a version that is no key', async () => {
    expect(await local.contexts.record('20200101T000000Z-000000000000')).toBeUndefined();
    await expect(local.contexts.publish({ ...defaultContext, version: '../escape' }, { expected: null })).rejects.toThrow('must be a context version');
  });
});

describe('reservoir', () => {
  const { table } = local;

  it('keeps every company at rate 1, once per day with its latest input', async () => {
    const sampler = createSampler(table(), 1);
    // A company twice in one write is kept once: BatchWriteItem refuses two puts of one key.
    expect(await sampler.keep([...companies.slice(0, 30), companies[3]!])).toBe(30);
    const again = { ...companies[0]!, domain: 'changed.example.com' };
    await sampler.keep([again]);
    const entries = await readReservoir(table(), ['2026-11-27'], 1000);
    expect(entries).toHaveLength(30);
    expect(entries.map((entry) => entry.ticket)).toEqual(entries.map((entry) => entry.ticket).sort());
    expect(entries.map((entry) => entry.company)).toContainEqual(JSON.parse(JSON.stringify(again)));
  });

  it('gives a write stream each company\'s item once', () => {
    const once = createSampler(table(), 1).distinct();
    expect(once(companies[0]!)).toMatchObject({ pk: 'SAMPLE#2026-11-27', company: JSON.stringify(companies[0]) });
    expect(once(companies[0]!)).toBeNull();
    expect(once(companies[1]!)).not.toBeNull();
  });

  it('reads the k lowest tickets of the window, across days', async () => {
    const sampler = createSampler(table(), 1);
    await sampler.keep(companies.slice(0, 40));
    clock = new Date('2026-11-28T01:00:00.000Z');
    await sampler.keep(companies.slice(40, 80));
    const everything = await readReservoir(table(), ['2026-11-28', '2026-11-27'], 1000);
    expect(everything).toHaveLength(80);
    const lowest = await readReservoir(table(), ['2026-11-28', '2026-11-27'], 25);
    expect(lowest).toEqual(everything.slice(0, 25));
    expect(await readReservoir(table(), ['2026-11-26'], 25)).toEqual([]);
  });

  it('keeps only companies whose ticket is below the rate', async () => {
    const kept = await createSampler(table(), 0.25).keep(companies);
    expect(kept).toBe(companies.filter((company) => sampleTicket(company.company_id, clock, 0.25) !== null).length);
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(companies.length);
    expect(await readReservoir(table(), ['2026-11-27'], 1000)).toHaveLength(kept);
  });
});
