import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { App, Validations } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import type { IConstruct } from 'constructs';
import { defineApp } from '../lib/app.js';
import { STAGE_NAMES } from '../lib/stage.js';
import { synthesize } from './synth.js';

/** Every cdk-nag acknowledgment in the tree: rule id → reason. */
function acknowledgments(root: IConstruct): Map<string, string> {
  const found = new Map<string, string>();
  for (const construct of root.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) found.set(id.replace(/^annotation::/i, ''), reason);
    }
  }
  return found;
}

describe.each(STAGE_NAMES)('cdk-nag AwsSolutions (%s)', (stage) => {
  it('finds nothing that is not acknowledged, and every acknowledgment says why', () => {
    const { stack, assembly } = synthesize(stage);
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as { pluginReports: { violations?: unknown[] }[] };
    expect(report.pluginReports.flatMap((plugin) => plugin.violations ?? [])).toEqual([]);

    const acknowledged = acknowledgments(stack);
    for (const [id, reason] of acknowledged) expect([id, reason.length >= 40]).toEqual([id, true]);
    // A new acknowledgment should be a visible decision: it changes this list.
    // The Control Tower controls' acknowledgements are listed in controls.test.ts.
    const nagIds = [...acknowledged.keys()].filter((id) => id.startsWith('AwsSolutions-'));
    const rules = [...new Set(nagIds.map((id) => id.replace(/\[(Resource|Policy)::.*\]$/, '[$1]')))].sort();
    expect(rules).toEqual([
      'AwsSolutions-APIG3',
      'AwsSolutions-APIG4',
      'AwsSolutions-COG4',
      'AwsSolutions-IAM4[Policy]',
      'AwsSolutions-IAM5[Resource]',
      'AwsSolutions-L1',
      'AwsSolutions-SQS3',
    ]);
  });
});

describe('cdk-nag in the app', () => {
  it('fails the synth on a finding nobody acknowledged', () => {
    const app = new App({ context: { stage: 'staging', 'aws:cdk:bundling-stacks': [] } });
    const [stack] = defineApp(app);
    new Bucket(stack!, 'Unreviewed');
    expect(() => app.synth()).toThrow(/AwsSolutions-S1[\s\S]*Unreviewed|Unreviewed[\s\S]*AwsSolutions-S1/);
  });
});
