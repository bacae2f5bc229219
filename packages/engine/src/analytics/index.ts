export { describeSample, type Description } from './descriptive.js';
export { pearson, spearman, averageRanks, type Correlation } from './correlation.js';
export { kendallTauB } from './kendall.js';
export { ksTwoSample, type KsResult } from './ks-test.js';
export { kolmogorovSf } from './kolmogorov.js';
export { createRandom, type Random } from './random.js';
export { AnalyticsInputError } from './errors.js';
export {
  LabeledCompanySchema,
  checkLabeledRecord,
  requireLabeled,
  prepareLabeled,
  scoresUnder,
  assertRankable,
  MIN_LABELED_LINES,
  MIN_SCORED_LABELED,
  type LabeledCompany,
  type LabeledLine,
  type LabeledSet,
} from './labeled.js';
export { DRIFT_FIELDS, fieldValue, type DriftField, type FieldProfile } from './drift-fields.js';
export { AlertSchema, DRIFT_THRESHOLDS, MIN_SCORES_FOR_KS, SEVERITIES, hasAlertAtLeast, type Alert, type Severity } from './drift-alerts.js';
export { detectDrift, finalScores, type DriftInput, type DriftReport, type ScoreDrift } from './drift.js';
export { weightSensitivity, rateSensitivity, type SensitivityReport, type WeightSensitivity, type StabilityRating } from './sensitivity.js';
export { calibrationMetrics, precisionAtK, PRECISION_CUTOFFS, type CalibrationMetrics } from './metrics.js';
export { DEFAULT_SEARCH, maximizeWeights, projectWeights, roundWeights, type SearchOptions, type WeightBounds } from './optimizer.js';
export { DEFAULT_BOOTSTRAP, bootstrapTau, type BootstrapOptions } from './bootstrap.js';
export { evaluateWeights, optimizeCalibration, describeChange, calibrationEvidence, SIGNIFICANCE_LEVEL, type Optimization } from './calibration.js';
export { proposeWeightsFile, nextWeightsVersion, type CalibrationEvidence, type WeightsProposal } from './weights-proposal.js';
