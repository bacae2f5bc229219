import { notImplemented } from '../http/errors.js';
import type { Reply } from '../http/reply.js';

/** POST /score/hybrid: the route exists so that clients get a clear answer until hybrid scoring ships. */
export function scoreHybrid(): Promise<Reply> {
  return Promise.reject(notImplemented('Hybrid scoring (POST /score/hybrid) is not available yet: use POST /score for the deterministic score.'));
}
