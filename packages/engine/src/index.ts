export * from './schema.js';
export * from './format.js';
export * from './features.js';
export * from './context.js';
export { defaultContext } from './default-context.js';
export * from './normalization.js';
export * from './subscores.js';
export * from './final-score.js';
export * from './risk.js';
export * from './feasibility.js';
export * from './recommendation.js';
export * from './payload-schema.js';
export * from './masking.js';
export * from './payload.js';
export * from './weights.js';
export * from './scorer.js';
export * from './versions.js';
export * from './jsonl.js';
export * from './reservoir.js';
export * from './context-refresh.js';

// Hybrid scoring (pipeline adapter, AI/deterministic blending, divergence).
export * from './hybrid/index.js';

// Analytics: drift detection and weight calibration.
export * from './analytics/index.js';
