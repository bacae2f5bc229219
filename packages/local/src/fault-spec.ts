/**
 * `pnpm start --faults dynamodb=P,s3=P,sqs=P,crash=P`: how often the local runtime fails on purpose,
 * for rehearsing what the service does when AWS does. P is a probability from 0 to 1: per call for
 * the three services, per batch invocation for `crash`. Every service left out is 0.
 */
export const FAULT_TARGETS = ['dynamodb', 's3', 'sqs', 'crash'] as const;
export type FaultTarget = (typeof FAULT_TARGETS)[number];
export type FaultSpec = Record<FaultTarget, number>;

export const NO_FAULTS: FaultSpec = { dynamodb: 0, s3: 0, sqs: 0, crash: 0 };

export class FaultSpecError extends Error {
  override readonly name = 'FaultSpecError';
}

/** Reads the option's text; every problem is named with the part that has it and what would be right. */
export function parseFaultSpec(text: string): FaultSpec {
  const spec = { ...NO_FAULTS };
  const seen = new Set<string>();
  for (const part of text.split(',').map((item) => item.trim()).filter(Boolean)) {
    const [name, value, ...rest] = part.split('=');
    if (!FAULT_TARGETS.includes(name as FaultTarget)) {
      throw new FaultSpecError(`--faults: "${name}" is not one of ${FAULT_TARGETS.join(', ')} (in "${part}")`);
    }
    if (seen.has(name!)) throw new FaultSpecError(`--faults: ${name} is given twice`);
    seen.add(name!);
    const probability = value === undefined || value.trim() === '' || rest.length > 0 ? Number.NaN : Number(value);
    if (!Number.isFinite(probability) || probability < 0 || probability > 1) {
      throw new FaultSpecError(`--faults: ${name} needs a probability from 0 to 1, as in ${name}=0.05 (got "${part}")`);
    }
    spec[name as FaultTarget] = probability;
  }
  if (seen.size === 0) throw new FaultSpecError('--faults needs at least one of dynamodb=P, s3=P, sqs=P, crash=P, as in dynamodb=0.05,crash=0.05');
  return spec;
}

export const faultsOn = (spec: FaultSpec): boolean => FAULT_TARGETS.some((target) => spec[target] > 0);

/** The spec as the start screen prints it. */
export const describeFaults = (spec: FaultSpec): string =>
  FAULT_TARGETS.filter((target) => spec[target] > 0)
    .map((target) => `${target} ${spec[target]} per ${target === 'crash' ? 'batch invocation' : 'call'}`)
    .join(', ');
