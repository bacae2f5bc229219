import type { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * Runs the work of one SQS record in a subsegment of its own, so that the batch_id annotation and any
 * error belong to that record, not to the whole invocation, which carries up to ten of them.
 */
export async function inRecordSubsegment<T>(tracer: Tracer, messageId: string, work: () => Promise<T>): Promise<T> {
  const parent = tracer.isTracingEnabled() ? tracer.getSegment() : undefined;
  if (parent === undefined) return work();
  const subsegment = parent.addNewSubsegment('### record');
  subsegment.addAnnotation('message_id', messageId);
  tracer.setSegment(subsegment);
  try {
    return await work();
  } catch (error) {
    tracer.addErrorAsMetadata(error as Error);
    throw error;
  } finally {
    subsegment.close();
    tracer.setSegment(parent);
  }
}
