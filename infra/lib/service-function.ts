import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Validations, type Duration } from 'aws-cdk-lib';
import { MathExpression, Metric, Stats } from 'aws-cdk-lib/aws-cloudwatch';
import { Role, ServicePrincipal, type IGrantable, type IPrincipal } from 'aws-cdk-lib/aws-iam';
import { ApplicationLogLevel, Architecture, LoggingFormat, Runtime, SystemLogLevel, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { FilterPattern, LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { RUNBOOK } from './runbook.js';
import { resourceName, type StageConfig, type StageName } from './stage.js';
import type { Storage } from './storage.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * CDK runs `pnpm exec esbuild` at the workspace root, which only sees the root's binaries and then PATH;
 * esbuild is this package's dependency, so its bin folder goes on PATH for the bundling step.
 */
const BUNDLING_PATH = [fileURLToPath(new URL('../node_modules/.bin', import.meta.url)), process.env.PATH].join(delimiter);

/** The namespace every handler's Powertools metrics land in. */
export const METRICS_NAMESPACE = 'EchoRidge';

/** One metric per function, named after it: a metric filter cannot set a dimension to a constant. */
const MEMORY_NAMESPACE = `${METRICS_NAMESPACE}/MaxMemoryUsedMB`;

/** Where the bundled copy of the root weights.yaml sits in the deployment package. */
const WEIGHTS_PATH = '/var/task/weights.yaml';

export type ServiceName = 'score-api' | 'batch' | 'context-refresh' | 'authorizer';

/** The functions that score, and so sample what they score into the reservoir the context refresh fits on. */
const SAMPLING_SERVICES: readonly ServiceName[] = ['score-api', 'batch'];

/** The handler file of a service, by the layout the functions follow. */
export function handlerEntry(service: ServiceName): string {
  return join(REPO_ROOT, 'functions', service, 'src', 'handler.ts');
}

/**
 * A metric a service's handler emits through Powertools: namespace EchoRidge, dimension `service` set
 * to the function's name; `dimensions` adds to it.
 */
export function serviceMetric(
  stage: StageName,
  service: ServiceName,
  metricName: string,
  props: { statistic: string; label?: string; dimensions?: Record<string, string> },
): Metric {
  const { dimensions, ...rest } = props;
  return new Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { ...dimensions, service: resourceName(stage, service) }, ...rest });
}

export interface ServiceFunctionProps {
  readonly stage: StageConfig;
  readonly service: ServiceName;
  readonly storage: Storage;
  readonly description: string;
  /** Must stay below the runbook's resource SLO of 2 GB per instance. */
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly environment?: Record<string, string>;
}

/**
 * One Echo Ridge Lambda function: the handler bundled with esbuild as minified ESM with source maps and
 * the weights file beside it, Node.js 22 on Graviton, JSON logs in a log group with retention, active
 * X-Ray tracing, the Powertools environment, and a role that holds nothing but its own log group (and
 * trace uploads) until grants are added.
 */
export class ServiceFunction extends Construct implements IGrantable {
  readonly function: NodejsFunction;
  readonly grantPrincipal: IPrincipal;
  readonly service: ServiceName;
  /** The function's name, and the value of the `service` dimension of its Powertools metrics. */
  readonly serviceName: string;
  private readonly stage: StageName;
  private readonly memorySize: number;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    const { stage, service, storage } = props;
    this.service = service;
    this.serviceName = resourceName(stage.name, service);
    this.stage = stage.name;
    this.memorySize = props.memorySize;

    const logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${this.serviceName}`,
      retention: RUNBOOK.logRetention[stage.name],
      removalPolicy: stage.removalPolicy,
    });
    // An own role instead of AWSLambdaBasicExecutionRole, whose logs:* reaches every log group.
    const role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(role);
    this.grantPrincipal = role;

    this.function = new NodejsFunction(this, 'Function', {
      functionName: this.serviceName,
      description: props.description,
      entry: handlerEntry(service),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'pnpm-lock.yaml'),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role,
      logGroup,
      // Lambda records the invocation and passes the trace on; Powertools Tracer in the handler adds the SDK calls.
      tracing: Tracing.ACTIVE,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel[stage.logLevel],
      // The platform.report line, which carries the memory used, is logged at INFO.
      systemLogLevelV2: SystemLogLevel.INFO,
      environment: {
        TABLE_NAME: storage.table.tableName,
        BUCKET_NAME: storage.bucket.bucketName,
        WEIGHTS_CONFIG_PATH: WEIGHTS_PATH,
        MASK_ON_INFEASIBLE: 'true',
        RETENTION_DAYS: String(storage.resultRetention.toDays()),
        ...(SAMPLING_SERVICES.includes(service) ? { SAMPLE_RATE: String(stage.sampleRate) } : {}),
        LOG_LEVEL: stage.logLevel,
        POWERTOOLS_SERVICE_NAME: this.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        // Error stacks in the logs then point at the TypeScript sources instead of the minified bundle.
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // Pin the AWS SDK to the lockfile's version rather than whatever the runtime ships.
        bundleAwsSDK: true,
        environment: { PATH: BUNDLING_PATH },
        // CommonJS dependencies bundled into ESM still call require() for Node built-ins.
        banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir: string, outputDir: string) => [`cp "${inputDir}/weights.yaml" "${outputDir}/weights.yaml"`],
        },
      },
    });

    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'The project pins its toolchain and Lambda runtime to Node.js 22; the runtime moves to 24 when the toolchain does.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: "xray:PutTraceSegments and xray:PutTelemetryRecords, which active tracing adds, have no resource-level permissions.",
    });

    // Lambda publishes no memory metric; its JSON platform.report log line has the figure.
    logGroup.addMetricFilter('MaxMemoryUsed', {
      filterPattern: FilterPattern.stringValue('$.type', '=', 'platform.report'),
      metricNamespace: MEMORY_NAMESPACE,
      metricName: this.serviceName,
      metricValue: '$.record.metrics.maxMemoryUsedMB',
    });
  }

  /** A metric this function's handler emits through Powertools. */
  metric(metricName: string, props: Parameters<typeof serviceMetric>[3]): Metric {
    return serviceMetric(this.stage, this.service, metricName, props);
  }

  /** The largest memory used by one invocation, as a percentage of the configured memory. */
  metricMemoryUtilization(): MathExpression {
    // Named after the function, as one dashboard graph draws all functions.
    const id = `${this.service.replace(/-/g, '_')}_used`;
    return new MathExpression({
      expression: `100 * ${id} / ${this.memorySize}`,
      usingMetrics: { [id]: new Metric({ namespace: MEMORY_NAMESPACE, metricName: this.serviceName, statistic: Stats.MAXIMUM }) },
      label: `${this.service} max memory used (%)`,
    });
  }
}
