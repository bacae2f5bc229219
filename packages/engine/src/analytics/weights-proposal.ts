import { isMap, isScalar, isSeq, parseDocument, Scalar, type Document } from 'yaml';
import { SUBSCORE_NAMES } from '../subscores.js';
import { parseWeights, type ComponentWeights, type Weights } from '../weights.js';
import { AnalyticsInputError } from './errors.js';

export type CalibrationEvidence = NonNullable<Weights['calibration']>;

/** Evidence figures are rounded for the operators' file; p-values keep their magnitude. */
const EVIDENCE_DECIMALS = 6;
const round = (x: number): number => Number(x.toFixed(EVIDENCE_DECIMALS));

function evidenceBlock(evidence: CalibrationEvidence): CalibrationEvidence {
  return {
    sample_size: evidence.sample_size,
    kendall_tau: round(evidence.kendall_tau),
    spearman_rho: round(evidence.spearman_rho),
    pearson_r: round(evidence.pearson_r),
    p_value: Number(evidence.p_value.toPrecision(EVIDENCE_DECIMALS)),
    confidence_interval: [round(evidence.confidence_interval[0]), round(evidence.confidence_interval[1])],
    validation_date: evidence.validation_date,
  };
}

/** "1.0" → "1.1", "2.9" → "2.10", "3" → "4": the last numeric component goes up by one. */
export function nextWeightsVersion(version: string): string {
  const match = /^(.*?)(\d+)$/.exec(version);
  if (!match) throw new AnalyticsInputError(`weights version "${version}" does not end in a number, so no next version can be derived; give it a form such as "1.0"`);
  return `${match[1]}${Number(match[2]) + 1}`;
}

function quoted(value: string): Scalar {
  const scalar = new Scalar(value);
  scalar.type = Scalar.QUOTE_DOUBLE;
  return scalar;
}

function setScalar(doc: Document, path: string[], value: unknown): void {
  const node = doc.getIn(path, true);
  if (!isScalar(node)) throw new AnalyticsInputError(`${path.join('.')} in the weights file is not a plain value; cannot update it`);
  // Assigning to the existing node keeps its comment and quoting.
  node.value = value;
}

export interface WeightsProposal {
  weights: ComponentWeights;
  evidence: CalibrationEvidence;
  change: string;
}

/**
 * The operators' weights file with the proposal applied: the next version, the new weights, the evidence
 * block and a change-log entry. It edits the parsed YAML document, so comments, key order and the rationale
 * survive for review; the result is validated like any weights file before it is returned.
 */
export function proposeWeightsFile(text: string, proposal: WeightsProposal, source = 'weights.yaml'): string {
  const current = parseWeights(text, source);
  const doc = parseDocument(text);
  const version = nextWeightsVersion(current.version);
  setScalar(doc, ['version'], version);

  const weightsNode = doc.get('weights', true);
  for (const name of SUBSCORE_NAMES) {
    // The file may use the 1.1.0 alias `operations` for ops; keep the key the operators wrote.
    const key = name === 'ops' && isMap(weightsNode) && weightsNode.has('operations') ? 'operations' : name;
    setScalar(doc, ['weights', key], proposal.weights[name]);
  }

  const evidence = doc.createNode({ ...evidenceBlock(proposal.evidence), validation_date: quoted(proposal.evidence.validation_date) });
  const interval = evidence.get('confidence_interval', true);
  if (isSeq(interval)) interval.flow = true;
  doc.set('calibration', evidence);
  const root = doc.contents;
  const calibrationKey = isMap(root) ? root.items.find((pair) => isScalar(pair.key) && pair.key.value === 'calibration')?.key : undefined;
  // The comment above the block described the evidence of the old weights.
  if (isScalar(calibrationKey)) calibrationKey.commentBefore = ` Evidence behind the current weights, filled by \`echo-ridge calibrate --optimize\` (version ${version}).`;

  const entry = doc.createNode({ version: quoted(version), date: quoted(proposal.evidence.validation_date), change: proposal.change });
  const changelog = doc.get('changelog', true);
  if (isSeq(changelog)) changelog.add(entry);
  else doc.set('changelog', doc.createNode([entry]));

  const proposed = doc.toString({ lineWidth: 0 });
  parseWeights(proposed, `proposed ${source}`);
  return proposed;
}
