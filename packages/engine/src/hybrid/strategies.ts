import { pyFixed, pyFloatRepr } from '../format.js';
import { aiDimension } from './ai-score.js';
import { mapDimensions, type ComponentScore, type DeterministicComponent, type Dimension, type DimensionScore } from './dimensions.js';

interface Blended<S extends DimensionScore> {
  overall_score: number;
  subscores: Record<Dimension, S>;
  confidence: number;
  explanation: string;
}

export type Source = 'ai' | 'deterministic';

export type WeightedAverageScore = Blended<DimensionScore & { weights_used: { ai: number; deterministic: number } }>;

export type MaxConfidenceScore = Blended<DimensionScore & { selected_source: Source }> & {
  selection_metadata: { overall_source: Source; ai_confidence: number; deterministic_confidence: number };
};

export type ConsensusScore = Blended<DimensionScore & { consensus_reached: boolean; divergence: number }> & {
  consensus_metadata: { overall_consensus: boolean; overall_divergence: number; consensus_threshold: number; components_with_consensus: number };
};

export type BlendedScore = WeightedAverageScore | MaxConfidenceScore | ConsensusScore;

/** Every value, confidence included, is `ai_weight`·AI + (1 − `ai_weight`)·deterministic. */
export function weightedAverage(ai: ComponentScore, deterministic: DeterministicComponent, aiWeight: number): WeightedAverageScore {
  const weights = { ai: aiWeight, deterministic: 1 - aiWeight };
  const mix = (aiValue: number, deterministicValue: number) => weights.ai * aiValue + weights.deterministic * deterministicValue;
  return {
    overall_score: mix(ai.overall_score, deterministic.overall_score),
    subscores: mapDimensions((dimension) => {
      const fromAi = aiDimension(ai, dimension);
      const fromDeterministic = deterministic.subscores[dimension];
      return {
        score: mix(fromAi.score, fromDeterministic.score),
        confidence: mix(fromAi.confidence, fromDeterministic.confidence),
        evidence: `AI: ${fromAi.evidence} | Det: ${fromDeterministic.evidence}`,
        weights_used: { ...weights },
      };
    }),
    confidence: mix(ai.confidence, deterministic.confidence),
    explanation:
      `Weighted blend (AI: ${pyFixed(weights.ai, 1)}, Det: ${pyFixed(weights.deterministic, 1)}). ` +
      `AI: ${ai.explanation} | Deterministic: ${deterministic.explanation}`,
  };
}

/** Each value comes from the side that is more confident about it; a tie keeps the deterministic value. */
export function maxConfidence(ai: ComponentScore, deterministic: DeterministicComponent): MaxConfidenceScore {
  const overallSource: Source = ai.confidence > deterministic.confidence ? 'ai' : 'deterministic';
  const overall = overallSource === 'ai' ? ai : deterministic;
  return {
    overall_score: overall.overall_score,
    subscores: mapDimensions((dimension) => {
      const fromAi = aiDimension(ai, dimension);
      const fromDeterministic = deterministic.subscores[dimension];
      return fromAi.confidence > fromDeterministic.confidence
        ? { ...fromAi, selected_source: 'ai' as const }
        : { ...fromDeterministic, selected_source: 'deterministic' as const };
    }),
    confidence: overall.confidence,
    explanation: `Max confidence selection. Overall from: ${overallSource}`,
    selection_metadata: { overall_source: overallSource, ai_confidence: ai.confidence, deterministic_confidence: deterministic.confidence },
  };
}

const AGREED_CONFIDENCE = 0.9;
const DISPUTED_CONFIDENCE = 0.7;

/**
 * Where both sides agree within `threshold` their mean is taken; where they disagree the deterministic
 * value stands, with lower confidence, because only it can be traced back to the input.
 */
export function consensus(ai: ComponentScore, deterministic: DeterministicComponent, threshold: number): ConsensusScore {
  const subscores = mapDimensions((dimension) => {
    const aiScore = aiDimension(ai, dimension).score;
    const deterministicScore = deterministic.subscores[dimension].score;
    const divergence = Math.abs(aiScore - deterministicScore);
    if (divergence <= threshold) {
      const mean = (aiScore + deterministicScore) / 2;
      return {
        score: mean,
        confidence: AGREED_CONFIDENCE,
        evidence: `Consensus reached: AI=${pyFixed(aiScore, 2)}, Det=${pyFixed(deterministicScore, 2)}, Avg=${pyFixed(mean, 2)}`,
        consensus_reached: true,
        divergence,
      };
    }
    return {
      score: deterministicScore,
      confidence: DISPUTED_CONFIDENCE,
      evidence: `No consensus (divergence=${pyFixed(divergence, 2)}): Using deterministic=${pyFixed(deterministicScore, 2)}`,
      consensus_reached: false,
      divergence,
    };
  });
  const overallDivergence = Math.abs(ai.overall_score - deterministic.overall_score);
  const overallConsensus = overallDivergence <= threshold;
  return {
    overall_score: overallConsensus ? (ai.overall_score + deterministic.overall_score) / 2 : deterministic.overall_score,
    subscores,
    confidence: overallConsensus ? AGREED_CONFIDENCE : DISPUTED_CONFIDENCE,
    explanation: `Consensus blending (threshold=${pyFloatRepr(threshold)}). Overall consensus: ${overallConsensus ? 'True' : 'False'}`,
    consensus_metadata: {
      overall_consensus: overallConsensus,
      overall_divergence: overallDivergence,
      consensus_threshold: threshold,
      components_with_consensus: Object.values(subscores).filter((subscore) => subscore.consensus_reached).length,
    },
  };
}
