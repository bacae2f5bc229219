import { defaultContext, type NormContext } from '@echo-ridge/engine';
import * as v from 'valibot';
import type { ContextStore } from './contexts.js';

/** The most a function may go without noticing a new context pointer: the runbook's five minutes. */
export const MAX_CONTEXT_POLL_SECONDS = 300;

/** How often the functions reread the pointer, read from the setting `name`: whole seconds, 0 to 300; 0 rereads it for every score. */
export const contextPollSetting = (name: string) => {
  const rule = (got: unknown) => `${name} must be a whole number of seconds from 0 to ${MAX_CONTEXT_POLL_SECONDS} (got ${JSON.stringify(got)})`;
  return v.pipe(
    v.string(),
    v.check((text) => /^\d{1,3}$/.test(text) && Number(text) <= MAX_CONTEXT_POLL_SECONDS, (issue) => rule(issue.input)),
    v.transform(Number),
  );
};

/**
 * Contexts as the scoring functions use them: the current one, cached and checked against the pointer
 * at most once per `pollMs`, and older versions by name for re-scoring. A function that has a
 * context keeps scoring with it while the pointer or the new object cannot be read.
 */
export interface ContextSource {
  current(): Promise<NormContext>;
  /** A published version, or the bundled one by its version; undefined for a version never published. */
  version(version: string): Promise<NormContext | undefined>;
}

export interface ContextSourceOptions {
  contexts: Pick<ContextStore, 'pointer' | 'record' | 'load'>;
  /** How stale the current context may be; 0 reads the pointer on every call. */
  pollMs: number;
  /** Until a context is published, the service scores with this one. */
  fallback?: NormContext;
  /** Versions kept in memory beyond the current one. */
  cacheSize?: number;
  now?: () => number;
  /** Told when the pointer or a new context could not be read and the cached context was kept. */
  onStale?: (error: unknown) => void;
}

export function createContextSource(options: ContextSourceOptions): ContextSource {
  const { contexts, pollMs, fallback = defaultContext, cacheSize = 8, now = Date.now, onStale } = options;
  // Most recently used last; a Map keeps insertion order.
  const loaded = new Map<string, NormContext>([[fallback.version, fallback]]);
  let current: { context: NormContext; checkedAt: number } | undefined;
  let checking: Promise<NormContext> | undefined;

  function remember(context: NormContext): NormContext {
    loaded.delete(context.version);
    loaded.set(context.version, context);
    for (const version of loaded.keys()) {
      if (loaded.size <= cacheSize) break;
      if (version !== fallback.version && version !== current?.context.version) loaded.delete(version);
    }
    return context;
  }

  async function readCurrent(): Promise<NormContext> {
    const checkedAt = now();
    const pointer = await contexts.pointer();
    const context = pointer ? (loaded.get(pointer.version) ?? remember(await contexts.load(pointer))) : fallback;
    current = { context, checkedAt };
    return context;
  }

  async function check(): Promise<NormContext> {
    try {
      return await readCurrent();
    } catch (error) {
      if (!current) throw error;
      onStale?.(error);
      return current.context;
    } finally {
      checking = undefined;
    }
  }

  return {
    current() {
      if (current && now() - current.checkedAt < pollMs) return Promise.resolve(current.context);
      checking ??= check();
      return checking;
    },
    async version(version) {
      const known = loaded.get(version);
      if (known) return remember(known);
      const published = await contexts.record(version);
      return published && remember(await contexts.load(published));
    },
  };
}
