import { beforeAll, describe, expect, it } from '@jest/globals';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { PUBLIC_ROUTE_THROTTLE } from '@echo-ridge/contract';
import { USAGE_TIERS } from '../lib/api.js';
import { STAGE_NAMES, STAGES } from '../lib/stage.js';
import { dataBucketId, grantStatements, serviceFunction, synthesize } from './synth.js';

const ROUTES = [
  ['GET', '/healthz'],
  ['GET', '/openapi.json'],
  ['POST', '/score'],
  ['POST', '/score/batch'],
  ['POST', '/score/hybrid'],
  ['GET', '/scores/{company_id}'],
  ['GET', '/batches/{batch_id}'],
  ['GET', '/stats'],
] as const;

describe.each(STAGE_NAMES)('API (%s)', (stage) => {
  let template: Template;
  let resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  beforeAll(() => {
    template = synthesize(stage).template;
    resources = template.toJSON().Resources as typeof resources;
  });

  /** The path of an API Gateway resource, rebuilt from its parent chain. */
  const pathOf = (resourceId: unknown): string => {
    const ref = (resourceId as { Ref?: string }).Ref;
    if (ref === undefined) return '';
    const { ParentId, PathPart } = resources[ref]?.Properties as { ParentId: unknown; PathPart: string };
    return `${pathOf(ParentId)}/${PathPart}`;
  };
  const methods = () =>
    Object.values(template.findResources('AWS::ApiGateway::Method')).map((method) => {
      const props = (method as { Properties: Record<string, unknown> }).Properties;
      return { route: `${props.HttpMethod as string} ${pathOf(props.ResourceId)}`, props };
    });

  it('serves exactly the designed routes, each through the live alias of score-api', () => {
    expect(methods().map((method) => method.route).sort()).toEqual(ROUTES.map(([verb, path]) => `${verb} ${path}`).sort());
    const alias = Object.keys(template.findResources('AWS::Lambda::Alias', { Properties: { Name: 'live' } }))[0];
    for (const { props } of methods()) {
      expect(props.Integration).toMatchObject({ Type: 'AWS_PROXY', Uri: { 'Fn::Join': ['', expect.arrayContaining([{ Ref: alias }])] } });
    }
  });

  it('requires an API key on every route but /healthz and /openapi.json, resolved to its tenant by the cached key authorizer', () => {
    const open = ['GET /healthz', 'GET /openapi.json'];
    const [authorizerId, authorizer] = Object.entries(template.findResources('AWS::ApiGateway::Authorizer'))[0] ?? [];
    expect((authorizer as { Properties: unknown }).Properties).toMatchObject({
      Type: 'REQUEST',
      IdentitySource: 'method.request.header.x-api-key',
      AuthorizerResultTtlInSeconds: 60,
      Name: `${stage}-echo-ridge-key-authorizer`,
    });
    for (const { route, props } of methods()) {
      const keyed = !open.includes(route);
      expect([route, props.ApiKeyRequired, props.AuthorizationType, props.AuthorizerId]).toEqual([
        route,
        keyed,
        keyed ? 'CUSTOM' : 'NONE',
        keyed ? { Ref: authorizerId } : undefined,
      ]);
    }
    template.hasResourceProperties('AWS::ApiGateway::RestApi', { ApiKeySourceType: 'AUTHORIZER' });
  });

  it('grants the authorizer a read of API key records, nothing else', () => {
    const { props } = serviceFunction(template, stage, 'authorizer');
    const statements = grantStatements(template, props);
    const table = Object.keys(template.findResources('AWS::DynamoDB::GlobalTable'))[0] ?? '';
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:Query'],
        Resource: [{ 'Fn::GetAtt': [table, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [table, 'Arn'] }, '/index/*']] }],
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['APIKEY#*'] } },
      },
    ]);
  });

  it('validates POST /score bodies against the Company model before the function runs', () => {
    const score = methods().find((method) => method.route === 'POST /score')?.props;
    const model = Object.keys(template.findResources('AWS::ApiGateway::Model', { Properties: { Name: 'Company' } }))[0];
    const validator = Object.keys(template.findResources('AWS::ApiGateway::RequestValidator', { Properties: { ValidateRequestBody: true } }))[0];
    expect(score).toMatchObject({ RequestModels: { 'application/json': { Ref: model } }, RequestValidatorId: { Ref: validator } });
    template.hasResourceProperties('AWS::ApiGateway::Model', {
      Name: 'Company',
      ContentType: 'application/json',
      Schema: Match.objectLike({ $schema: 'http://json-schema.org/draft-04/schema#', type: 'object' }),
    });
  });

  it.each(USAGE_TIERS)('offers the $name usage plan with its throttle and monthly quota on the v1 stage', (tier) => {
    template.hasResourceProperties('AWS::ApiGateway::UsagePlan', {
      UsagePlanName: `${stage}-echo-ridge-${tier.name}`,
      Throttle: { RateLimit: tier.rateLimit, BurstLimit: tier.burstLimit },
      Quota: { Limit: tier.monthlyQuota, Period: 'MONTH' },
      ApiStages: [Match.objectLike({ Stage: { Ref: Match.stringLikeRegexp('^ApiRestApiDeploymentStagev1') } })],
    });
  });

  it('has at least two tiers, each a step up from the last', () => {
    expect(USAGE_TIERS.length).toBeGreaterThanOrEqual(2);
    for (const [lower, higher] of USAGE_TIERS.slice(0, -1).map((tier, i) => [tier, USAGE_TIERS[i + 1]!] as const)) {
      expect(higher.rateLimit).toBeGreaterThan(lower.rateLimit);
      expect(higher.burstLimit).toBeGreaterThan(lower.burstLimit);
      expect(higher.monthlyQuota).toBeGreaterThan(lower.monthlyQuota);
    }
  });

  it('writes a JSON access log line per request and throttles the stage as a whole', () => {
    const stageProps = Object.values(template.findResources('AWS::ApiGateway::Stage'))[0] as { Properties: Record<string, unknown> };
    expect(stageProps.Properties).toMatchObject({ StageName: 'v1' });
    const { rateLimit, burstLimit } = PUBLIC_ROUTE_THROTTLE;
    // The public methods on their own buckets: a flood of one never spends the keyed methods' throttle.
    expect(stageProps.Properties.MethodSettings).toEqual([
      expect.objectContaining({ HttpMethod: '*', ResourcePath: '/*', ThrottlingRateLimit: 500, ThrottlingBurstLimit: 1000 }),
      expect.objectContaining({ HttpMethod: 'GET', ResourcePath: '/~1healthz', ThrottlingRateLimit: rateLimit, ThrottlingBurstLimit: burstLimit }),
      expect.objectContaining({ HttpMethod: 'GET', ResourcePath: '/~1openapi.json', ThrottlingRateLimit: rateLimit, ThrottlingBurstLimit: burstLimit }),
    ]);
    const format = (stageProps.Properties.AccessLogSetting as { Format: string }).Format;
    expect(JSON.parse(format)).toMatchObject({
      requestId: '$context.requestId',
      apiKeyId: '$context.identity.apiKeyId',
      status: '$context.status',
      responseLatency: '$context.responseLatency',
      integrationLatency: '$context.integrationLatency',
      error: '$context.error.message',
    });
  });

  it.each([
    ['INVALID_API_KEY', undefined, 'FORBIDDEN'],
    ['UNAUTHORIZED', '403', 'FORBIDDEN'],
    ['ACCESS_DENIED', undefined, 'FORBIDDEN'],
    ['THROTTLED', undefined, 'THROTTLED'],
    ['QUOTA_EXCEEDED', undefined, 'QUOTA_EXCEEDED'],
    ['REQUEST_TOO_LARGE', undefined, 'PAYLOAD_TOO_LARGE'],
    ['MISSING_AUTHENTICATION_TOKEN', '404', 'NOT_FOUND'],
    ['BAD_REQUEST_BODY', '422', 'VALIDATION_FAILED'],
    ['INTEGRATION_TIMEOUT', undefined, 'GATEWAY_TIMEOUT'],
    ['INTEGRATION_FAILURE', undefined, 'BAD_GATEWAY'],
    ['DEFAULT_4XX', undefined, '$context.error.responseType'],
    ['DEFAULT_5XX', undefined, '$context.error.responseType'],
  ])("answers API Gateway's %s in the handler's error shape (status %s, code %s)", (type, status, code) => {
    const found = Object.values(template.findResources('AWS::ApiGateway::GatewayResponse', { Properties: { ResponseType: type } }));
    expect(found).toHaveLength(1);
    const props = (found[0] as { Properties: { StatusCode?: string; ResponseTemplates: Record<string, string> } }).Properties;
    expect(props.StatusCode).toBe(status);
    const body = props.ResponseTemplates['application/json'] ?? '';
    // The API Gateway variables stand in for values it fills in; the rest must already be the JSON clients get.
    const filled = JSON.parse(body.replace('$context.error.messageString', '"message"').replace(/\$context\.[\w.]+/g, 'X')) as { error: { code: string; message: string }; request_id: string };
    expect(filled).toEqual({ error: { code: code.startsWith('$') ? 'X' : code, message: expect.any(String) }, request_id: 'X' });
    expect(body).toContain('"request_id":"$context.requestId"');
  });

  it.each([
    ['THROTTLED', '1'],
    ['QUOTA_EXCEEDED', '3600'],
  ])('answers API Gateway\'s %s with Retry-After: %s', (type, seconds) => {
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: type,
      StatusCode: Match.absent(),
      ResponseParameters: { 'gatewayresponse.header.Retry-After': `'${seconds}'` },
    });
  });

  it('sends Retry-After on the 429s only', () => {
    const withRetryAfter = Object.values(template.findResources('AWS::ApiGateway::GatewayResponse'))
      .map((found) => (found as { Properties: { ResponseType: string; ResponseParameters?: Record<string, string> } }).Properties)
      .filter((props) => props.ResponseParameters?.['gatewayresponse.header.Retry-After'] !== undefined)
      .map((props) => props.ResponseType);
    expect(withRetryAfter.sort()).toEqual(['QUOTA_EXCEEDED', 'THROTTLED']);
  });

  it(STAGES[stage].apiProvisionedConcurrency ? 'keeps API instances initialised' : 'runs the API without provisioned concurrency', () => {
    const concurrency = STAGES[stage].apiProvisionedConcurrency;
    template.hasResourceProperties('AWS::Lambda::Alias', {
      Name: 'live',
      ProvisionedConcurrencyConfig: concurrency ? { ProvisionedConcurrentExecutions: concurrency } : Match.absent(),
    });
  });

  it('grants score-api only tenant data, the reservoir, deletes of idempotency records and reads of contexts, counters and file batches, plus the context objects and what its presigned URLs do: uploads to incoming/, downloads of results/ and errors/', () => {
    const { props } = serviceFunction(template, stage, 'score-api');
    const statements = grantStatements(template, props);
    const table = Object.keys(template.findResources('AWS::DynamoDB::GlobalTable'))[0] ?? '';
    const bucket = dataBucketId(template);
    const objects = (prefix: string) => ({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, `/${prefix}*`]] });
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:Query'],
        Resource: [{ 'Fn::GetAtt': [table, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [table, 'Arn'] }, '/index/*']] }],
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['TENANT#*', 'CONTEXT', 'STATS', 'BATCH#*'] } },
      },
      {
        Effect: 'Allow',
        Action: ['dynamodb:BatchWriteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        Resource: { 'Fn::GetAtt': [table, 'Arn'] },
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['TENANT#*', 'SAMPLE#*'] } },
      },
      {
        Effect: 'Allow',
        Action: 'dynamodb:DeleteItem',
        Resource: { 'Fn::GetAtt': [table, 'Arn'] },
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['TENANT#*#IDEMPOTENCY'] } },
      },
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion'], Resource: [objects('contexts/'), objects('errors/'), objects('results/')] },
      { Effect: 'Allow', Action: ['s3:AbortMultipartUpload', 's3:PutObject'], Resource: objects('incoming/') },
    ]);
  });
});
