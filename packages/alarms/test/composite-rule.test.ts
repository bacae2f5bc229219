import { describe, expect, it } from '@jest/globals';
import { parseRule, ruleAlarms, ruleHolds, type AlarmState } from '../src/index.js';

// The rule examples of the CloudWatch API Reference, PutCompositeAlarm, parameter AlarmRule.
describe('composite alarm rules (docs: PutCompositeAlarm, AlarmRule)', () => {
  const states = (entries: Record<string, AlarmState>) => (name: string) => entries[name] ?? 'INSUFFICIENT_DATA';

  it('ALARM(CPUUtilizationTooHigh) AND ALARM(DiskReadOpsTooHigh): both in ALARM', () => {
    const rule = parseRule('ALARM(CPUUtilizationTooHigh) AND ALARM(DiskReadOpsTooHigh)');
    expect(ruleHolds(rule, states({ CPUUtilizationTooHigh: 'ALARM', DiskReadOpsTooHigh: 'ALARM' }))).toBe(true);
    expect(ruleHolds(rule, states({ CPUUtilizationTooHigh: 'ALARM', DiskReadOpsTooHigh: 'OK' }))).toBe(false);
  });

  it('ALARM(CPUUtilizationTooHigh) AND NOT ALARM(DeploymentInProgress): a deployment suppresses it', () => {
    const rule = parseRule('ALARM(CPUUtilizationTooHigh) AND NOT ALARM(DeploymentInProgress)');
    expect(ruleHolds(rule, states({ CPUUtilizationTooHigh: 'ALARM', DeploymentInProgress: 'OK' }))).toBe(true);
    expect(ruleHolds(rule, states({ CPUUtilizationTooHigh: 'ALARM', DeploymentInProgress: 'ALARM' }))).toBe(false);
  });

  it('(ALARM(CPUUtilizationTooHigh) OR ALARM(DiskReadOpsTooHigh)) AND OK(NetworkOutTooHigh)', () => {
    const rule = parseRule('(ALARM(CPUUtilizationTooHigh) OR ALARM(DiskReadOpsTooHigh)) AND OK(NetworkOutTooHigh)');
    expect(ruleHolds(rule, states({ DiskReadOpsTooHigh: 'ALARM', NetworkOutTooHigh: 'OK' }))).toBe(true);
    expect(ruleHolds(rule, states({ DiskReadOpsTooHigh: 'ALARM', NetworkOutTooHigh: 'INSUFFICIENT_DATA' }))).toBe(false);
    expect(ruleHolds(rule, states({ CPUUtilizationTooHigh: 'OK', DiskReadOpsTooHigh: 'OK', NetworkOutTooHigh: 'OK' }))).toBe(false);
  });

  it('TRUE, FALSE, INSUFFICIENT_DATA, quoted names and alarm ARNs', () => {
    expect(ruleHolds(parseRule('TRUE OR FALSE'), states({}))).toBe(true);
    expect(ruleHolds(parseRule('INSUFFICIENT_DATA("new alarm")'), states({}))).toBe(true);
    const byArn = parseRule('ALARM("arn:aws:cloudwatch:eu-west-1:123456789012:alarm:prod-echo-ridge-ServiceDown")');
    expect(ruleAlarms(byArn)).toEqual(['prod-echo-ridge-ServiceDown']);
  });

  it('NOT binds tighter than AND, and AND tighter than OR', () => {
    const rule = parseRule('ALARM(a) OR ALARM(b) AND NOT ALARM(c)');
    expect(ruleHolds(rule, states({ a: 'ALARM', c: 'ALARM' }))).toBe(true);
    expect(ruleHolds(rule, states({ b: 'ALARM', c: 'ALARM' }))).toBe(false);
  });

  it.each(['ALARM(a) AND', 'ALARM a', 'MAYBE(a)', '(ALARM(a)'])('refuses "%s"', (text) => {
    expect(() => parseRule(text)).toThrow();
  });
});
