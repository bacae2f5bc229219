import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from '@jest/globals';
import type { Template } from 'aws-cdk-lib/assertions';
import { STAGE_NAMES } from '../lib/stage.js';
import { synthesize } from './synth.js';

/** The service runbook, which names every alarm, output and log group of the stack for the on-call engineer. */
const RUNBOOK = readFileSync(new URL('../../docs/runbook.md', import.meta.url), 'utf8');

interface Alarm {
  /** Without the `<stage>-echo-ridge-` prefix, as the runbook writes it. */
  name: string;
  /** Whether it notifies a topic itself, and so needs a section of its own. */
  notifies: boolean;
}

function alarmsOf(template: Template, stage: string): Alarm[] {
  return ['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::CompositeAlarm'].flatMap((type) =>
    Object.values(template.findResources(type)).map((resource) => {
      const props = (resource as { Properties: { AlarmName: string; AlarmActions?: unknown[] } }).Properties;
      return { name: props.AlarmName.replace(`${stage}-echo-ridge-`, ''), notifies: (props.AlarmActions ?? []).length > 0 };
    }),
  );
}

/** The `### ` sections under `## Alarms`, by heading. */
function alarmSections(): Map<string, string> {
  const alarmsPart = RUNBOOK.split(/^## /m).find((part) => part.startsWith('Alarms'));
  if (alarmsPart === undefined) throw new Error('docs/runbook.md has no "## Alarms" section');
  return new Map(
    alarmsPart
      .split(/^### /m)
      .slice(1)
      .map((section) => [section.slice(0, section.indexOf('\n')), section]),
  );
}

/** Alarm names in a heading such as "HighMemoryUsage-score-api, HighMemoryUsage-batch". */
const headingNames = (heading: string) => heading.split(/,\s*/).map((name) => name.replace(/`/g, '').trim());

describe.each(STAGE_NAMES)('docs/runbook.md against the %s stack', (stage) => {
  let template: Template;
  let alarms: Alarm[];
  beforeAll(() => {
    template = synthesize(stage).template;
    alarms = alarmsOf(template, stage);
  });

  it('names every alarm of the stack', () => {
    expect(alarms.length).toBeGreaterThan(20);
    // As a whole name: `BurnRateFast` alone does not document `BurnRateFast-1h`.
    const mentioned = (name: string) => new RegExp(`(?<![\\w-])${name}(?![\\w-])`).test(RUNBOOK);
    const missing = alarms.filter((alarm) => !mentioned(alarm.name)).map((alarm) => alarm.name);
    expect(missing).toEqual([]);
  });

  it('gives every alarm that notifies a section with what it means, three checks and the mitigation', () => {
    const sections = alarmSections();
    const documented = new Map([...sections].flatMap(([heading, section]) => headingNames(heading).map((name) => [name, section] as const)));
    for (const alarm of alarms.filter((candidate) => candidate.notifies)) {
      const section = documented.get(alarm.name);
      expect([alarm.name, section !== undefined]).toEqual([alarm.name, true]);
      expect([alarm.name, /^\*\*Means\*\*/m.test(section!), /^1\. .+\n(?:.*\n)*?2\. .+\n(?:.*\n)*?3\. /m.test(section!), /^\*\*Mitigation\*\*/m.test(section!)]).toEqual([
        alarm.name,
        true,
        true,
        true,
      ]);
    }
  });

  it('documents no alarm the stack does not have', () => {
    const names = new Set(alarms.map((alarm) => alarm.name));
    const stale = [...alarmSections().keys()].flatMap(headingNames).filter((name) => !names.has(name));
    expect(stale).toEqual([]);
  });

  // The `output <key>` helper of the runbook's shell snippets; `--output text` is the AWS CLI's flag.
  it('looks up only outputs the stack has', () => {
    const outputs = Object.keys((template.toJSON() as { Outputs: Record<string, unknown> }).Outputs);
    const used = [...new Set([...RUNBOOK.matchAll(/(?<![-\w])output (\w+)/g)].map((match) => match[1]!))];
    expect(used.length).toBeGreaterThan(3);
    expect(used.filter((output) => !outputs.includes(output))).toEqual([]);
  });

  it('queries only log groups the stack creates', () => {
    const logGroups = new Set(
      Object.values(template.findResources('AWS::Logs::LogGroup')).map((resource) => (resource as { Properties: { LogGroupName?: string } }).Properties.LogGroupName),
    );
    const used = [...new Set([...RUNBOOK.matchAll(/\/aws\/(?:lambda|apigateway|cloudtrail)\/<stage>-echo-ridge-[a-z-]+/g)].map((match) => match[0]))];
    expect(used.length).toBeGreaterThanOrEqual(5);
    expect(used.map((name) => name.replace('<stage>', stage)).filter((name) => !logGroups.has(name))).toEqual([]);
  });
});
