import type { Divergence, DivergenceLevel } from '@echo-ridge/engine';
import { percent } from './record-lines.js';

/** Above this share of flagged blends the runbook asks for a look at the AI scorer or the data. */
const FLAGGED_WARNING_SHARE = 0.5;

/** Divergence levels and flagged blends over a run, for the summaries of `hybrid` and `blend`. */
export class DivergenceTally {
  private readonly levels: Record<DivergenceLevel, number> = { normal: 0, monitor: 0, investigate: 0 };
  private flagged = 0;
  private blended = 0;

  add(divergence: Divergence): void {
    this.levels[divergence.level] += 1;
    if (divergence.has_significant_divergence) this.flagged += 1;
    this.blended += 1;
  }

  summary(): string[] {
    const { normal, monitor, investigate } = this.levels;
    const lines = [
      `  divergence levels: normal ${normal}, monitor ${monitor}, investigate ${investigate}`,
      `  flagged (a divergence above its threshold): ${this.flagged} of ${this.blended} (${percent(this.flagged, this.blended)})`,
    ];
    if (this.flagged > FLAGGED_WARNING_SHARE * this.blended) {
      lines.push(`  WARNING: ${percent(this.flagged, this.blended)} of blends flagged, above the runbook's warning level of ${FLAGGED_WARNING_SHARE * 100} %`);
    }
    return lines;
  }
}
