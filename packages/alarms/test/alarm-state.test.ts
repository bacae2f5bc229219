import { describe, expect, it } from '@jest/globals';
import { nextState, type AlarmState, type StateRule } from '../src/index.js';

/** "0 - X" notation of the documentation: 0 within the threshold, X breaching, - missing; oldest first. */
const points = (notation: string) => notation.split(/\s+/).map((point) => (point === 'X' ? 10 : point === '0' ? 0 : undefined));
const rule = (datapointsToAlarm: number, treatMissingData: StateRule['treatMissingData']): StateRule => ({
  threshold: 5,
  comparison: 'GreaterThanThreshold',
  evaluationPeriods: 3,
  datapointsToAlarm,
  treatMissingData,
});
const RETAIN = 'retain';
const TREATMENTS = ['missing', 'ignore', 'breaching', 'notBreaching'] as const;

// Amazon CloudWatch User Guide, "Using Amazon CloudWatch alarms", section "How alarm state is
// evaluated when data is missing": the two tables of examples (5 data points retrieved for 3 periods).
describe('state from the evaluation range (docs: "How alarm state is evaluated when data is missing")', () => {
  const check = (datapointsToAlarm: number, notation: string, expected: (AlarmState | typeof RETAIN)[]) => {
    TREATMENTS.forEach((treatment, index) => {
      const want = expected[index]!;
      for (const current of ['OK', 'ALARM'] as const) {
        expect([treatment, current, nextState(points(notation), rule(datapointsToAlarm, treatment), current)]).toEqual([treatment, current, want === RETAIN ? current : want]);
      }
    });
  };

  it.each([
    ['0 - X - X', ['OK', 'OK', 'OK', 'OK']],
    ['0 - - - -', ['OK', 'OK', 'OK', 'OK']],
    ['- - - - -', ['INSUFFICIENT_DATA', RETAIN, 'ALARM', 'OK']],
    ['0 X X - X', ['ALARM', 'ALARM', 'ALARM', 'ALARM']],
    ['- - - - X', ['INSUFFICIENT_DATA', RETAIN, 'ALARM', 'OK']],
    ['X - - - -', ['ALARM', RETAIN, 'ALARM', 'OK']],
  ] as const)('3 of 3: %s → missing, ignore, breaching, notBreaching: %j', (notation, expected) => check(3, notation, [...expected]));

  it.each([
    ['0 - X - X', ['ALARM', 'ALARM', 'ALARM', 'ALARM']],
    ['0 0 X 0 X', ['ALARM', 'ALARM', 'ALARM', 'ALARM']],
    ['0 - X - -', ['OK', 'OK', 'ALARM', 'OK']],
    ['- - - - 0', ['OK', 'OK', 'ALARM', 'OK']],
    ['- - - - X', ['INSUFFICIENT_DATA', RETAIN, 'ALARM', 'OK']],
  ] as const)('2 of 3: %s → missing, ignore, breaching, notBreaching: %j', (notation, expected) => check(2, notation, [...expected]));
});

// Same page, "Evaluating an alarm": threshold 3, Evaluation Periods and Datapoints to Alarm 3; the
// alarm fires in periods 3 to 5, clears at period 6, and one breaching period 9 leaves it OK.
it('fires after three breaching periods in a row and clears at the first good one (docs: "Evaluating an alarm")', () => {
  const values = [1, 4, 5, 6, 4, 2, 1, 2, 5, 2];
  const threeOfThree: StateRule = { threshold: 3, comparison: 'GreaterThanThreshold', evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: 'missing' };
  let state: AlarmState = 'INSUFFICIENT_DATA';
  const states = values.map((_, index) => (state = nextState(values.slice(Math.max(0, index - 4), index + 1), threeOfThree, state)));
  expect(states).toEqual(['OK', 'OK', 'OK', 'ALARM', 'ALARM', 'OK', 'OK', 'OK', 'OK', 'OK']);
});
