import { RemovalPolicy } from 'aws-cdk-lib';

export const STAGE_NAMES = ['staging', 'prod'] as const;
export type StageName = (typeof STAGE_NAMES)[number];

/** What differs between the stages; everything else is the same so that staging rehearses prod. */
export interface StageConfig {
  readonly name: StageName;
  /** Prod keeps its data when the stack or a resource goes away; staging cleans up after itself. */
  readonly removalPolicy: RemovalPolicy;
  readonly deletionProtection: boolean;
  /** A vault lock in compliance mode: nobody, the account's root included, can delete a backup before it expires. */
  readonly lockBackups: boolean;
  /** S3 Object Lock in compliance mode on the audit trail's bucket: no record can be deleted or rewritten before the audit retention ends. */
  readonly lockAuditRecords: boolean;
  readonly logLevel: 'DEBUG' | 'INFO';
  /**
   * SAMPLE_RATE of the score API and batch functions: the share of each day's companies kept in the
   * reservoir the daily context refresh fits on (functions/context-refresh/README.md, "Choosing the
   * rate"). A refresh needs about 145 kept companies over two days: staging's trickle of test traffic
   * only gets there by keeping every company; prod's volume does at a tenth, at a tenth of the writes.
   */
  readonly sampleRate: number;
  /**
   * Warm API instances. At low traffic one cold start a minute is enough to break the p99 < 150 ms
   * SLO, so prod keeps a few instances initialised; staging accepts cold starts.
   */
  readonly apiProvisionedConcurrency?: number;
  /** Whether critical alarms page the on-call engineer; when not, they open tickets like warnings. */
  readonly pagesOnCall: boolean;
}

export const STAGES: Readonly<Record<StageName, StageConfig>> = {
  staging: {
    name: 'staging',
    removalPolicy: RemovalPolicy.DESTROY,
    deletionProtection: false,
    lockBackups: false,
    lockAuditRecords: false,
    logLevel: 'DEBUG',
    sampleRate: 1,
    pagesOnCall: false,
  },
  prod: {
    name: 'prod',
    removalPolicy: RemovalPolicy.RETAIN,
    deletionProtection: true,
    lockBackups: true,
    lockAuditRecords: true,
    logLevel: 'INFO',
    sampleRate: 0.1,
    apiProvisionedConcurrency: 2,
    pagesOnCall: true,
  },
};

export function isStageName(value: unknown): value is StageName {
  return STAGE_NAMES.some((name) => name === value);
}

export function stackName(stage: StageName): string {
  return `${stage}-echo-ridge`;
}

/** Physical names carry the stage first, so both stages can live in one account and sort apart. */
export function resourceName(stage: StageName, suffix: string): string {
  return `${stackName(stage)}-${suffix}`;
}
