import { Duration, Validations } from 'aws-cdk-lib';
import {
  AccessLogField,
  AccessLogFormat,
  ApiKeySourceType,
  EndpointType,
  IdentitySource,
  LambdaIntegration,
  LogGroupLogDestination,
  MethodLoggingLevel,
  Period,
  RequestAuthorizer,
  ResponseType,
  RestApi,
  type UsagePlan,
} from 'aws-cdk-lib/aws-apigateway';
import { Alias } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { CfnSamplingRule } from 'aws-cdk-lib/aws-xray';
import { PUBLIC_ROUTE_THROTTLE, USAGE_TIERS } from '@echo-ridge/contract';
import { API_KEY_PREFIX, IDEMPOTENCY_SUFFIX, TENANT_PREFIX } from '@echo-ridge/store/schemas';
import { Construct } from 'constructs';
import { companyRequestSchema } from './company-model.js';
import { RUNBOOK } from './runbook.js';
import { ServiceFunction } from './service-function.js';
import { resourceName, type StageConfig } from './stage.js';
import type { Storage } from './storage.js';

/** The customer tiers (standard, premium) are part of the contract, which the local gateway reads too. */
export { USAGE_TIERS, type UsageTier } from '@echo-ridge/contract';

/**
 * The ceiling for all callers together, keys or not: at ~20 ms a request it keeps the API within a
 * dozen concurrent function instances, well inside the account's Lambda concurrency.
 */
export const STAGE_THROTTLE = { rateLimit: 500, burstLimit: 1000 } as const;

/**
 * How long API Gateway keeps the authorizer's answer for one key: the longest a revoked key keeps
 * working (docs/runbook.md), and how often per key the authorizer runs and reads the table.
 */
export const AUTHORIZER_CACHE_TTL = Duration.seconds(60);

/**
 * The items the internet-facing function may reach (`dynamodb:LeadingKeys`): it writes only tenant
 * data and the scoring reservoir; it reads those, the context pointer and versions, the service
 * counters (/healthz) and file batch records, which are the dev tenant's until batches are partitioned
 * by tenant. It never writes a batch record, a lease, a context or an API key record. It deletes only
 * in tenants' idempotency partitions (`TENANT#<tenant>#IDEMPOTENCY`), where Powertools removes the
 * record of a request that failed so that it can be sent again. (`*` also matches `#`, so the pattern
 * would also match a company partition whose id ends in `#IDEMPOTENCY`; the function deletes nothing
 * but idempotency records, and a narrower condition than LeadingKeys does not exist.)
 */
export const API_TABLE_ACCESS = {
  read: [`${TENANT_PREFIX}*`, 'CONTEXT', 'STATS', 'BATCH#*'],
  write: [`${TENANT_PREFIX}*`, 'SAMPLE#*'],
  delete: [`${TENANT_PREFIX}*#${IDEMPOTENCY_SUFFIX}`],
} as const;

/** The authorizer reads API key records and nothing else. */
export const AUTHORIZER_TABLE_ACCESS = { read: [`${API_KEY_PREFIX}*`], write: [] } as const;

/** The API version in the URL path; a breaking change gets a new stage beside this one. */
export const API_STAGE = 'v1';

/** The handler's error shape, for the errors API Gateway answers by itself. */
const errorBody = (code: string, message: string) => `{"error":{"code":"${code}","message":${message}},"request_id":"$context.requestId"}`;

/**
 * API Gateway's own errors with the codes the handler and the local gateway use, so that a client
 * parses one format: [type, status if not API Gateway's, code, message]. Gateway templates are not
 * VTL and cannot escape text, so these messages are fixed; any other type keeps API Gateway's message.
 */
const FORBIDDEN = 'Missing or unknown API key: send a valid key in the x-api-key header.';
const GATEWAY_ERRORS: readonly (readonly [ResponseType, string | undefined, string, string])[] = [
  [ResponseType.INVALID_API_KEY, undefined, 'FORBIDDEN', FORBIDDEN],
  // The authorizer refuses a missing or unknown key with 401; the API has always answered that 403, as the local gateway does.
  [ResponseType.UNAUTHORIZED, '403', 'FORBIDDEN', FORBIDDEN],
  [ResponseType.ACCESS_DENIED, undefined, 'FORBIDDEN', FORBIDDEN],
  [ResponseType.THROTTLED, undefined, 'THROTTLED', 'Too many requests for this API key: slow down and retry.'],
  [ResponseType.QUOTA_EXCEEDED, undefined, 'QUOTA_EXCEEDED', "This API key's monthly quota is used up: wait for the next month or move to a higher tier."],
  [ResponseType.REQUEST_TOO_LARGE, undefined, 'PAYLOAD_TOO_LARGE', 'The request body is larger than API Gateway accepts: send fewer companies per request.'],
  // The API has no IAM authorisation, so a missing token only ever means an unknown route or method.
  [ResponseType.MISSING_AUTHENTICATION_TOKEN, '404', 'NOT_FOUND', 'No such route or method: see the API reference.'],
  // The company model refused the body; for a schema violation that is the handler's 422.
  [ResponseType.BAD_REQUEST_BODY, '422', 'VALIDATION_FAILED', 'The body is not a company record: it must be JSON with every required field of the right type.'],
  [ResponseType.INTEGRATION_TIMEOUT, undefined, 'GATEWAY_TIMEOUT', 'The function did not answer in time: retry later.'],
  [ResponseType.INTEGRATION_FAILURE, undefined, 'BAD_GATEWAY', 'The function failed to answer: retry later.'],
];

/**
 * `Retry-After` of API Gateway's own 429s. A gateway response header is a fixed value, so it cannot count
 * down to anything. THROTTLED: one second refills every tier's token bucket by at least ten requests, the
 * local gateway's smallest answer too. QUOTA_EXCEEDED: the quota resets on the 1st of the month, up to a
 * month away; an hour keeps a waiting client to 24 rejected calls a day and lets it resume within the hour
 * after the reset or after an operator moves its key to a higher tier (packages/client, whose longest wait
 * is 20 s, gives up at once and reports the code).
 */
const GATEWAY_RETRY_AFTER_SECONDS: ReadonlyMap<ResponseType, number> = new Map([
  [ResponseType.THROTTLED, 1],
  [ResponseType.QUOTA_EXCEEDED, 3600],
]);
/** The routes served without a key, each throttled on its own (PUBLIC_ROUTE_THROTTLE). */
const PUBLIC_METHODS = ['/healthz', '/openapi.json'] as const;

export interface ApiProps {
  readonly stage: StageConfig;
  readonly storage: Storage;
}

/**
 * The public REST API: the score-api function behind the `live` alias (which CodeDeploy shifts),
 * API keys on usage plans for every route but `/healthz` and `/openapi.json`, `POST /score` validated
 * against the engine's company schema, JSON access logs, error-level execution logs, and X-Ray tracing
 * sampled by the runbook's rule.
 */
export class Api extends Construct {
  readonly handler: ServiceFunction;
  /** Resolves a key to its tenant before the API function runs. */
  readonly authorizer: ServiceFunction;
  readonly alias: Alias;
  readonly restApi: RestApi;
  /** One plan per tier, by tier name. */
  readonly usagePlans: ReadonlyMap<string, UsagePlan>;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const { stage, storage } = props;

    this.handler = new ServiceFunction(this, 'Handler', {
      stage,
      service: 'score-api',
      storage,
      description: 'Echo Ridge HTTP API: scores companies, serves stored scores and batch records',
      // 1 GB buys the CPU share that keeps a single score well inside p95 < 100 ms; a 1000-company
      // /score/batch is the heaviest request and needs a few seconds, far below API Gateway's 29 s.
      memorySize: 1024,
      timeout: Duration.seconds(15),
    });
    storage.grantTableItems(this.handler, API_TABLE_ACCESS);
    storage.grantObjects(this.handler, 'contexts/', 'read');
    // Presigned URLs act with the signer's rights: POST /batches signs uploads into incoming/, and
    // GET /batches/{id} signs downloads of a completed batch's results and errors.
    storage.grantObjects(this.handler, 'incoming/', 'write');
    storage.grantObjects(this.handler, 'results/', 'read');
    storage.grantObjects(this.handler, 'errors/', 'read');

    this.authorizer = new ServiceFunction(this, 'Authorizer', {
      stage,
      service: 'authorizer',
      storage,
      description: 'Echo Ridge API authorizer: resolves an x-api-key to its tenant',
      memorySize: 256,
      timeout: Duration.seconds(3),
    });
    storage.grantTableItems(this.authorizer, AUTHORIZER_TABLE_ACCESS);

    this.alias = new Alias(this, 'Live', {
      aliasName: 'live',
      version: this.handler.function.currentVersion,
      provisionedConcurrentExecutions: stage.apiProvisionedConcurrency,
    });

    // The access log is the audit record of every customer request (key id, source IP, route, status), so it is kept as long as the audit trail.
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      logGroupName: `/aws/apigateway/${resourceName(stage.name, 'api')}`,
      retention: RUNBOOK.auditRetention,
      removalPolicy: stage.removalPolicy,
    });
    this.restApi = new RestApi(this, 'RestApi', {
      restApiName: resourceName(stage.name, 'api'),
      description: 'Echo Ridge AI-readiness scoring API',
      endpointTypes: [EndpointType.REGIONAL],
      // Execution logs go through the account-wide API Gateway logging role, which one stage's stack must not own.
      cloudWatchRole: false,
      defaultMethodOptions: { apiKeyRequired: true },
      // The key that usage plans meter is the one the authorizer returns (usageIdentifierKey), which is the caller's x-api-key.
      apiKeySourceType: ApiKeySourceType.AUTHORIZER,
      deployOptions: {
        stageName: API_STAGE,
        // Per-route metrics: the latency SLO leaves out POST /score/batch, and error rates the /healthz canary.
        metricsEnabled: true,
        // Errors only and never the bodies, which carry company data: the access log has every request.
        loggingLevel: MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        tracingEnabled: true,
        throttlingRateLimit: STAGE_THROTTLE.rateLimit,
        throttlingBurstLimit: STAGE_THROTTLE.burstLimit,
        // The public methods on their own, lower limits: a flood of them is throttled there, not in the keyed methods.
        methodOptions: Object.fromEntries(
          PUBLIC_METHODS.map((path) => [`${path}/GET`, { throttlingRateLimit: PUBLIC_ROUTE_THROTTLE.rateLimit, throttlingBurstLimit: PUBLIC_ROUTE_THROTTLE.burstLimit }]),
        ),
        accessLogDestination: new LogGroupLogDestination(accessLogs),
        accessLogFormat: AccessLogFormat.custom(
          JSON.stringify({
            requestId: AccessLogField.contextRequestId(),
            requestTime: AccessLogField.contextRequestTime(),
            ip: AccessLogField.contextIdentitySourceIp(),
            userAgent: AccessLogField.contextIdentityUserAgent(),
            apiKeyId: AccessLogField.contextIdentityApiKeyId(),
            method: AccessLogField.contextHttpMethod(),
            resourcePath: AccessLogField.contextResourcePath(),
            status: AccessLogField.contextStatus(),
            responseLength: AccessLogField.contextResponseLength(),
            responseLatency: AccessLogField.contextResponseLatency(),
            integrationLatency: AccessLogField.contextIntegrationLatency(),
            integrationStatus: AccessLogField.contextIntegrationStatus(),
            error: AccessLogField.contextErrorMessage(),
            errorType: AccessLogField.contextErrorResponseType(),
          }),
        ),
      },
    });

    // API Gateway writes execution logs to a group of this name, creating it without retention unless it exists first.
    const executionLogs = new LogGroup(this, 'ExecutionLogs', {
      logGroupName: `API-Gateway-Execution-Logs_${this.restApi.restApiId}/${API_STAGE}`,
      retention: RUNBOOK.logRetention[stage.name],
      removalPolicy: stage.removalPolicy,
    });
    this.restApi.deploymentStage.node.addDependency(executionLogs);
    new CfnSamplingRule(this, 'TraceSampling', {
      samplingRule: {
        ruleName: resourceName(stage.name, 'api'),
        // API Gateway names a stage's traces `<api name>/<stage>`.
        serviceName: `${resourceName(stage.name, 'api')}/${API_STAGE}`,
        serviceType: 'AWS::ApiGateway::Stage',
        reservoirSize: RUNBOOK.apiTraceSampling.reservoirPerSecond,
        fixedRate: RUNBOOK.apiTraceSampling.fixedRate,
        // Ahead of the account's default rule (10000).
        priority: 100,
        host: '*',
        httpMethod: '*',
        urlPath: '*',
        resourceArn: '*',
        version: 1,
      },
    });

    for (const [type, statusCode, code, message] of GATEWAY_ERRORS) {
      const retryAfter = GATEWAY_RETRY_AFTER_SECONDS.get(type);
      this.restApi.addGatewayResponse(type.responseType, {
        type,
        statusCode,
        // A static header value is a quoted literal.
        responseHeaders: retryAfter === undefined ? undefined : { 'Retry-After': `'${retryAfter}'` },
        templates: { 'application/json': errorBody(code, JSON.stringify(message)) },
      });
    }
    for (const type of [ResponseType.DEFAULT_4XX, ResponseType.DEFAULT_5XX]) {
      this.restApi.addGatewayResponse(type.responseType, { type, templates: { 'application/json': errorBody('$context.error.responseType', '$context.error.messageString') } });
    }

    const authorizer = new RequestAuthorizer(this, 'KeyAuthorizer', {
      authorizerName: resourceName(stage.name, 'key-authorizer'),
      handler: this.authorizer.function,
      identitySources: [IdentitySource.header('x-api-key')],
      resultsCacheTtl: AUTHORIZER_CACHE_TTL,
    });
    const keyed = { authorizer };

    const integration = new LambdaIntegration(this.alias, { allowTestInvoke: false });
    const root = this.restApi.root;
    root.addResource('healthz').addMethod('GET', integration, { apiKeyRequired: false });
    // The contract's OpenAPI document, public so that tools and new customers can read it before they have a key.
    root.addResource('openapi.json').addMethod('GET', integration, { apiKeyRequired: false });

    const score = root.addResource('score');
    score.addMethod('POST', integration, {
      ...keyed,
      // Parameters too: nothing here requires one yet, and a parameter declared required later is then enforced.
      requestValidator: this.restApi.addRequestValidator('Validator', { validateRequestBody: true, validateRequestParameters: true }),
      requestModels: {
        'application/json': this.restApi.addModel('Company', { modelName: 'Company', contentType: 'application/json', schema: companyRequestSchema() }),
      },
    });
    score.addResource('batch').addMethod('POST', integration, keyed);
    score.addResource('hybrid').addMethod('POST', integration, keyed);
    root.addResource('scores').addResource('{company_id}').addMethod('GET', integration, keyed);
    root.addResource('batches').addResource('{batch_id}').addMethod('GET', integration, keyed);
    root.addResource('stats').addMethod('GET', integration, keyed);

    Validations.of(this.restApi).acknowledge(
      {
        id: 'AwsSolutions-APIG4',
        reason:
          'Callers are customers identified by their API key: the key authorizer resolves it to a tenant and API Gateway meters it on its usage plan before the function runs; /healthz is public for the canary, /openapi.json for readers of the API reference.',
      },
      { id: 'AwsSolutions-COG4', reason: 'No end users sign in: access is per customer API key and usage plan, not per Cognito user.' },
      {
        id: 'AwsSolutions-APIG3',
        reason: 'Usage-plan throttles and quotas per key plus the stage throttle bound the load; a web ACL is an account-level decision outside this stack.',
      },
    );

    this.usagePlans = new Map(
      USAGE_TIERS.map((tier) => [
        tier.name,
        this.restApi.addUsagePlan(`${tier.name}Plan`, {
          name: resourceName(stage.name, tier.name),
          description: `${tier.name} tier: ${tier.rateLimit} req/s, bursts of ${tier.burstLimit}, ${tier.monthlyQuota} requests a month`,
          throttle: { rateLimit: tier.rateLimit, burstLimit: tier.burstLimit },
          quota: { limit: tier.monthlyQuota, period: Period.MONTH },
          apiStages: [{ stage: this.restApi.deploymentStage }],
        }),
      ]),
    );
  }
}
