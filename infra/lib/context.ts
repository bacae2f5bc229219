import { Duration } from 'aws-cdk-lib';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Construct } from 'constructs';
import { ServiceFunction } from './service-function.js';
import { resourceName, type StageConfig } from './stage.js';
import type { Storage } from './storage.js';

export interface ContextRefreshProps {
  readonly stage: StageConfig;
  readonly storage: Storage;
}

/**
 * The daily refresh of the normalization context: refits it, stores it under contexts/ with a pointer
 * in the table, and reports drift against the previous context.
 */
export class ContextRefresh extends Construct {
  readonly handler: ServiceFunction;

  constructor(scope: Construct, id: string, props: ContextRefreshProps) {
    super(scope, id);
    const { stage, storage } = props;

    this.handler = new ServiceFunction(this, 'Handler', {
      stage,
      service: 'context-refresh',
      storage,
      description: 'Echo Ridge daily normalization-context refresh and drift check',
      memorySize: 1024,
      timeout: Duration.minutes(5),
    });
    const fn = this.handler.function;
    storage.grantTableReadWrite(this.handler);
    storage.grantObjects(this.handler, 'contexts/', 'read', 'write');

    new Rule(this, 'Daily', {
      ruleName: resourceName(stage.name, 'context-refresh'),
      description: 'Refreshes the normalization context once a day, before the working day in Europe and the US',
      schedule: Schedule.cron({ minute: '0', hour: '3' }),
      targets: [new LambdaFunction(fn, { retryAttempts: 2, maxEventAge: Duration.hours(2) })],
    });
  }
}
