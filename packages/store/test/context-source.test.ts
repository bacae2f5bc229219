import { describe, expect, it } from '@jest/globals';
import { defaultContext, type NormContext } from '@echo-ridge/engine';
import { createContextSource, type ContextSourceOptions } from '../src/context-source.js';
import type { ContextPointer } from '../src/contexts.js';

const context = (version: string): NormContext => ({ ...defaultContext, version });
const pointerTo = (version: string): ContextPointer => ({
  version,
  checksum: defaultContext.checksum,
  fitted_at: defaultContext.fitted_at,
  companies_count: defaultContext.companies_count,
  published_at: '2026-11-27T03:00:00.000Z',
  has_sample: true,
  previous_version: null,
});

/** A context store in memory that counts its reads, with a pointer and a clock that tests move. */
function fakeStore() {
  const state = { pointer: undefined as string | undefined, failing: false, pointerReads: 0, loads: [] as string[], clock: 0 };
  const contexts: ContextSourceOptions['contexts'] = {
    pointer: () => {
      state.pointerReads += 1;
      return state.failing ? Promise.reject(new Error('table unavailable')) : Promise.resolve(state.pointer === undefined ? undefined : pointerTo(state.pointer));
    },
    record: (version) => Promise.resolve(version.startsWith('v') ? pointerTo(version) : undefined),
    load: (published) => {
      state.loads.push(published.version);
      return Promise.resolve(context(published.version));
    },
  };
  return { state, contexts, now: () => state.clock };
}

describe('context source', () => {
  it('scores with the bundled context until one is published', async () => {
    const { contexts, now } = fakeStore();
    const source = createContextSource({ contexts, pollMs: 60_000, now });
    expect(await source.current()).toBe(defaultContext);
  });

  it('reads the pointer once per poll interval and loads a version once', async () => {
    const { state, contexts, now } = fakeStore();
    state.pointer = 'v1';
    const source = createContextSource({ contexts, pollMs: 60_000, now });
    expect((await source.current()).version).toBe('v1');
    state.clock = 59_999;
    expect((await source.current()).version).toBe('v1');
    expect(state.pointerReads).toBe(1);

    state.pointer = 'v2';
    expect((await source.current()).version).toBe('v1');
    state.clock = 60_000;
    expect((await source.current()).version).toBe('v2');
    expect(state.pointerReads).toBe(2);
    expect(state.loads).toEqual(['v1', 'v2']);
  });

  it('shares one pointer read between concurrent calls', async () => {
    const { state, contexts, now } = fakeStore();
    state.pointer = 'v1';
    const source = createContextSource({ contexts, pollMs: 0, now });
    const versions = await Promise.all([source.current(), source.current(), source.current()]);
    expect(versions.map((c) => c.version)).toEqual(['v1', 'v1', 'v1']);
    expect(state.pointerReads).toBe(1);
  });

  it('keeps scoring with the cached context while the pointer cannot be read, and says so', async () => {
    const { state, contexts, now } = fakeStore();
    state.pointer = 'v1';
    const stale: unknown[] = [];
    const source = createContextSource({ contexts, pollMs: 0, now, onStale: (error) => stale.push(error) });
    await source.current();
    state.failing = true;
    expect((await source.current()).version).toBe('v1');
    expect(stale).toHaveLength(1);
    state.failing = false;
    state.pointer = 'v2';
    expect((await source.current()).version).toBe('v2');
  });

  it('fails at a cold start when the pointer cannot be read', async () => {
    const { state, contexts, now } = fakeStore();
    state.failing = true;
    const source = createContextSource({ contexts, pollMs: 0, now });
    await expect(source.current()).rejects.toThrow('table unavailable');
  });

  it('finds older versions by name, the bundled one included, and nothing for an unknown one', async () => {
    const { state, contexts, now } = fakeStore();
    const source = createContextSource({ contexts, pollMs: 0, now, cacheSize: 2 });
    expect(await source.version(defaultContext.version)).toBe(defaultContext);
    expect((await source.version('v7'))?.version).toBe('v7');
    expect(await source.version('never-published')).toBeUndefined();
    await source.version('v7');
    expect(state.loads).toEqual(['v7']);
    // Beyond the cache size the least recently used version is read again when asked for.
    await source.version('v8');
    await source.version('v9');
    await source.version('v7');
    expect(state.loads).toEqual(['v7', 'v8', 'v9', 'v7']);
  });
});
