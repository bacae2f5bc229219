import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { defineApp } from './app.js';
import type { EchoRidgeStack } from './echo-ridge-stack.js';
import type { StageName } from './stage.js';

/** cdk.json's context (feature flags), so that a synth here is what `cdk synth` makes. */
export const CDK_CONTEXT = (JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> }).context;

/**
 * Synthesizes one stage as `cdk synth -c stage=<name>` does, offline, cdk-nag included (an
 * unacknowledged finding throws). esbuild bundling is what makes a synth slow, so it only runs when
 * asked for; without it CDK stands in a placeholder asset and everything else is synthesized for real.
 */
export function synthesizeStage(stage: StageName, options: { bundle?: boolean } = {}): { stack: EchoRidgeStack; assembly: CloudAssembly; template: Record<string, unknown> } {
  const context = { ...CDK_CONTEXT, stage, ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) };
  const app = new App({ context });
  const [stack] = defineApp(app);
  if (stack === undefined) throw new Error(`no stack for ${stage}`);
  const assembly = app.synth();
  return { stack, assembly, template: assembly.getStackArtifact(stack.artifactId).template as Record<string, unknown> };
}
