import { DYNAMODB_WRITES, type AwsRequest } from './aws-request.js';
import { FORWARD, type FaultKind, type Verdict } from './fault-proxy.js';
import type { FaultSpec } from './fault-spec.js';

/** The faults of one invocation: a verdict per request, and whether it dies after its work, before it answers. */
export interface InvocationFaults {
  judge(request: AwsRequest): Verdict;
  crashBeforeAnswer: boolean;
}

/** What a sandbox meets on the wire, decided afresh for each invocation. */
export interface SandboxFaults {
  /** `event` is the invocation's event, for a policy that treats invocations apart (a test crashing each batch at a point of its own). */
  invocation(event?: unknown): InvocationFaults;
}

/**
 * A doomed invocation dies at a request drawn uniformly from its first this-many, or after its last
 * one when it makes fewer: every point of a short chunk is as likely as any other, and a crash after
 * all the work but before the answer (the acknowledgement lost) is one of them.
 */
export const CRASH_WITHIN_REQUESTS = 40;

const kindsOf = (request: AwsRequest): FaultKind[] =>
  request.service === 'dynamodb' && DYNAMODB_WRITES.has(request.operation) ? ['throttle', 'server-error', 'reset', 'conflict'] : ['throttle', 'server-error', 'reset'];

/**
 * `--faults`: each call fails with its service's probability, as a throttle, a 500, a dropped
 * connection (half of them after the emulator applied the request) or, for DynamoDB writes, a
 * TransactionConflict; each invocation is killed with the `crash` probability.
 */
export function randomFaults(spec: FaultSpec, random: () => number = Math.random): SandboxFaults {
  return {
    invocation() {
      const doomed = random() < spec.crash;
      const killAt = 1 + Math.floor(random() * CRASH_WITHIN_REQUESTS);
      let requests = 0;
      return {
        crashBeforeAnswer: doomed,
        judge(request) {
          requests += 1;
          if (doomed && requests === killAt) return { action: 'kill', when: random() < 0.5 ? 'before' : 'after' };
          if (random() >= spec[request.service]) return FORWARD;
          const kinds = kindsOf(request);
          const fault = kinds[Math.floor(random() * kinds.length)]!;
          if (fault === 'reset' && random() < 0.5) return { action: 'lose-answer' };
          return { action: 'fail', fault };
        },
      };
    },
  };
}

/**
 * A crash point: the first request that matches dies with its sandbox (before it is sent, or right
 * after the emulator applied it), once; every later request and invocation passes. The crash-point
 * tests name each step of the batch pipeline by the request that ends it.
 */
export function crashOnce(matches: (request: AwsRequest) => boolean, when: 'before' | 'after'): SandboxFaults & { crashed(): boolean } {
  let crashed = false;
  return {
    crashed: () => crashed,
    invocation: () => ({
      crashBeforeAnswer: false,
      judge(request) {
        if (crashed || !matches(request)) return FORWARD;
        crashed = true;
        return { action: 'kill', when };
      },
    }),
  };
}
