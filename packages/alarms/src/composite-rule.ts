import type { AlarmState } from './alarm-state.js';

/**
 * A composite alarm's rule ("Creating a composite alarm", Amazon CloudWatch User Guide): the functions
 * ALARM, OK and INSUFFICIENT_DATA of an alarm name or ARN (quoted or not), TRUE and FALSE, combined
 * with NOT, AND and OR (in that order of binding) and parentheses.
 */
export type Rule =
  | { type: 'state'; state: AlarmState; alarm: string }
  | { type: 'constant'; value: boolean }
  | { type: 'not'; operand: Rule }
  | { type: 'and' | 'or'; operands: Rule[] };

const TOKEN = /\s*(?:("(?:[^"\\]|\\.)*")|(\(|\))|([A-Za-z_][A-Za-z0-9_:./-]*))/y;

/** An alarm ARN names the alarm after `:alarm:`. */
function alarmName(reference: string): string {
  const at = reference.indexOf(':alarm:');
  return at >= 0 && reference.startsWith('arn:') ? reference.slice(at + ':alarm:'.length) : reference;
}

export function parseRule(text: string): Rule {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length && !/^\s*$/.test(text.slice(TOKEN.lastIndex))) {
    const at = TOKEN.lastIndex;
    const match = TOKEN.exec(text);
    if (!match) throw new Error(`cannot read the alarm rule "${text}" at ${at}`);
    tokens.push(match[0].trim());
  }
  let position = 0;
  const peek = () => tokens[position];
  const take = (expected?: string) => {
    const token = tokens[position++];
    if (token === undefined || (expected !== undefined && token !== expected)) throw new Error(`expected ${expected ?? 'more'} in the alarm rule "${text}"`);
    return token;
  };
  const any = (operator: 'AND' | 'OR', operand: () => Rule): Rule => {
    const operands = [operand()];
    while (peek() === operator) {
      take();
      operands.push(operand());
    }
    return operands.length === 1 ? operands[0]! : { type: operator === 'AND' ? 'and' : 'or', operands };
  };
  const or = (): Rule => any('OR', and);
  const and = (): Rule => any('AND', not);
  const not = (): Rule => (peek() === 'NOT' ? (take(), { type: 'not', operand: not() }) : primary());
  const primary = (): Rule => {
    const token = take();
    if (token === '(') {
      const inner = or();
      take(')');
      return inner;
    }
    if (token === 'TRUE' || token === 'FALSE') return { type: 'constant', value: token === 'TRUE' };
    if (token === 'ALARM' || token === 'OK' || token === 'INSUFFICIENT_DATA') {
      take('(');
      const reference = take();
      take(')');
      const unquoted = reference.startsWith('"') ? (JSON.parse(reference) as string) : reference;
      return { type: 'state', state: token, alarm: alarmName(unquoted) };
    }
    throw new Error(`unexpected "${token}" in the alarm rule "${text}"`);
  };
  const rule = or();
  if (position !== tokens.length) throw new Error(`unexpected "${tokens[position]}" in the alarm rule "${text}"`);
  return rule;
}

/** The alarm names a rule reads. */
export function ruleAlarms(rule: Rule): string[] {
  if (rule.type === 'state') return [rule.alarm];
  if (rule.type === 'not') return ruleAlarms(rule.operand);
  if (rule.type === 'constant') return [];
  return rule.operands.flatMap(ruleAlarms);
}

/** Whether the rule holds for the alarms' current states; an alarm not yet evaluated is INSUFFICIENT_DATA. */
export function ruleHolds(rule: Rule, stateOf: (alarm: string) => AlarmState): boolean {
  switch (rule.type) {
    case 'state':
      return stateOf(rule.alarm) === rule.state;
    case 'constant':
      return rule.value;
    case 'not':
      return !ruleHolds(rule.operand, stateOf);
    case 'and':
      return rule.operands.every((operand) => ruleHolds(operand, stateOf));
    case 'or':
      return rule.operands.some((operand) => ruleHolds(operand, stateOf));
  }
}
