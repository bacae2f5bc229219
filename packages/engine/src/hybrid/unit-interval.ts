import * as v from 'valibot';

const RULE = 'must be a number from 0 to 1';

/** Scores, confidences, weights and thresholds of hybrid scoring all live in [0, 1]. */
export const UnitIntervalSchema = v.pipe(v.number(RULE), v.finite(RULE), v.minValue(0, RULE), v.maxValue(1, RULE));
