import { createScorer, type NormContext, type Scorer, type ScorerOptions } from '@echo-ridge/engine';
import type { ContextSource } from './context-source.js';

/** The plain and the verbose scorer of one context. */
export interface Scorers {
  scorer: Scorer;
  verboseScorer: Scorer;
}

/** Scorers bound to the context a company is to be scored with. */
export interface ScorerSource {
  /** The current context's, as the context source sees the pointer. */
  current(): Promise<Scorers>;
  /** A published version's; undefined for a version never published. */
  version(version: string): Promise<Scorers | undefined>;
}

export function createScorerSource(contexts: ContextSource, options: Omit<ScorerOptions, 'context' | 'verbose'>): ScorerSource {
  // Keyed by the context object, so that its scorers go when the source drops the version from its cache.
  const bound = new WeakMap<NormContext, Scorers>();
  const scorersOf = (context: NormContext): Scorers => {
    let scorers = bound.get(context);
    if (!scorers) {
      scorers = { scorer: createScorer({ ...options, context }), verboseScorer: createScorer({ ...options, context, verbose: true }) };
      bound.set(context, scorers);
    }
    return scorers;
  };
  return {
    current: async () => scorersOf(await contexts.current()),
    async version(version) {
      const context = await contexts.version(version);
      return context && scorersOf(context);
    },
  };
}
