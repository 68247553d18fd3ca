/**
 * The OpenAPI 3.1 document of the orchestrator API, generated from the zod contracts (api.ts, operator.ts,
 * agent.ts) with zod's own JSON Schema output (draft 2020-12, the dialect of OpenAPI 3.1). The contracts are
 * the one source of truth: a field added to a zod schema appears here on the next `npm run openapi`, and a
 * test fails until the committed docs/openapi.json is regenerated.
 *
 * Examples are not written by hand: `npm run openapi` (bin/openapi.ts) sends real requests to a private
 * offline stack and passes the answers in as `examples`.
 */
import * as z from 'zod';
import {
  BadRequestBodySchema,
  ErrorBodySchema,
  HealthResponseSchema,
  MAX_SERVICES,
  MAX_TEXT_CHARS,
  OrchestratorQuerySchema,
  OrchestratorResponseSchema,
  ResumeRequestSchema,
  TaskStackEntrySchema,
} from './api.js';
import { AgentOutputSchema, AgentResultSchema } from './agent.js';
import {
  CONVERSATION_STATUSES,
  ConversationInspectionSchema,
  ConversationListSchema,
  ConversationSummarySchema,
  PauseRecordSchema,
  TurnLogSchema,
  TurnViewSchema,
} from './operator.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** One recorded answer: status, the headers worth showing, the body. */
export interface RecordedExample {
  summary: string;
  status: number;
  headers?: Record<string, string>;
  body: unknown;
}

/** What `npm run openapi` recorded: request bodies and answers per operation (`"POST /orchestrate"`). */
export interface ExampleSet {
  requests: Record<string, Record<string, { summary: string; value: unknown }>>;
  responses: Record<string, Record<string, RecordedExample>>;
}

export const EMPTY_EXAMPLES: ExampleSet = { requests: {}, responses: {} };

/** Schemas that become named components, with the direction they are read in. */
const COMPONENTS: Array<{ id: string; schema: z.ZodType; io: 'input' | 'output'; description: string }> = [
  { id: 'OrchestratorQuery', schema: OrchestratorQuerySchema, io: 'input', description: "A turn (the seed's OrchestratorQuery, snake_case). Unknown fields are rejected, not ignored." },
  { id: 'OrchestratorResponse', schema: OrchestratorResponseSchema, io: 'output', description: "The seed's OrchestratorResponse plus timing_metrics (milliseconds per step)." },
  { id: 'TaskStackEntry', schema: TaskStackEntrySchema, io: 'output', description: 'One task of the conversation’s task stack, with its checkpoints.' },
  { id: 'AgentResult', schema: AgentResultSchema, io: 'output', description: 'One agent’s outcome this turn: status, latency, start offset in the workflow, output or error.' },
  { id: 'AgentOutput', schema: AgentOutputSchema, io: 'output', description: 'What an agent returned (the agent contract, docs/contracts.md).' },
  { id: 'HealthResponse', schema: HealthResponseSchema, io: 'output', description: 'Liveness, seed-compatible.' },
  { id: 'BadRequest', schema: BadRequestBodySchema, io: 'output', description: 'Every bad field named: `field` is a path such as `services[2]`, `problem` says what to fix.' },
  { id: 'Error', schema: ErrorBodySchema, io: 'output', description: 'Any error answer: `error`, and `details` and/or `request_id` when they apply.' },
  { id: 'GatewayError', schema: z.looseObject({ message: z.string().optional(), error: z.string().optional() }), io: 'output', description: 'An answer of API Gateway itself (authorization, throttling): `{"message"}` or, with the stack’s gateway responses, `{"error","request_id"}`.' },
  { id: 'ResumeRequest', schema: ResumeRequestSchema, io: 'input', description: 'Why the operator resumes; who is taken from the caller’s identity.' },
  { id: 'ConversationInspection', schema: ConversationInspectionSchema, io: 'output', description: 'The stored conversation: task stack with checkpoint statuses, flags, version, pause log. No patient text.' },
  { id: 'PauseRecord', schema: PauseRecordSchema, io: 'output', description: 'A pause (escalation) or resume (operator) of the conversation.' },
  { id: 'ConversationSummary', schema: ConversationSummarySchema, io: 'output', description: 'One row of the conversation list.' },
  { id: 'ConversationList', schema: ConversationListSchema, io: 'output', description: 'A page of the tenant’s conversations, most recently updated first.' },
  { id: 'TurnView', schema: TurnViewSchema, io: 'output', description: 'One committed turn: reply, agents with status, latency and start offset, timings. The patient’s text only when the deployment stores it.' },
  { id: 'TurnLog', schema: TurnLogSchema, io: 'output', description: 'A conversation’s committed turns in order.' },
];

const REF = (id: string): JsonObject => ({ $ref: `#/components/schemas/${id}` });

/** JSON Schemas of the components, cross-referenced by $ref (zod registry output). */
export function componentSchemas(): Record<string, JsonObject> {
  const out: Record<string, JsonObject> = {};
  for (const io of ['input', 'output'] as const) {
    const registry = z.registry<{ id: string; description: string }>();
    for (const c of COMPONENTS) if (c.io === io) registry.add(c.schema, { id: c.id, description: c.description });
    const generated = z.toJSONSchema(registry, {
      target: 'draft-2020-12',
      io,
      unrepresentable: 'any',
      uri: (id) => `#/components/schemas/${id}`,
    }) as { schemas: Record<string, JsonObject> };
    for (const [id, schema] of Object.entries(generated.schemas)) {
      const { $schema: _s, $id: _i, ...rest } = schema;
      out[id] = rest;
    }
  }
  // Stable order: the table above.
  return Object.fromEntries(COMPONENTS.map((c) => [c.id, out[c.id]!]));
}

const header = (description: string, schema: JsonObject = { type: 'string' }, required = false): JsonObject => ({
  description,
  ...(required ? { required: true } : {}),
  schema,
});

const HEADERS: Record<string, JsonObject> = {
  ServerTiming: header('Per-step durations of the turn (state, checkpoints, agents, response, persist, dispatch, total), e.g. `agents;dur=41, total;dur=57`.', { type: 'string' }, true),
  RetryAfter: header('Seconds to wait before retrying.', { type: 'string', pattern: '^[0-9]+$' }, true),
  RequestId: header('The request’s id (also in error bodies and the function’s logs).'),
  IdempotentReplayed: header('`true` when the answer is the stored answer of an earlier request with the same Idempotency-Key.', { type: 'string', enum: ['true'] }),
};

const json = (schemaRef: string, examples?: Record<string, RecordedExample>): JsonObject => {
  const content: JsonObject = { schema: REF(schemaRef) };
  if (examples && Object.keys(examples).length) {
    content['examples'] = Object.fromEntries(
      Object.entries(examples).map(([name, e]) => [name, { summary: e.summary, value: e.body as Json }]),
    );
  }
  return { 'application/json': content };
};

interface ResponseSpec {
  description: string;
  schema: string;
  headers?: string[];
}

/** Error answers shared by the routes. */
const ERRORS: Record<string, ResponseSpec> = {
  '400': { description: 'The request is invalid; `details` names every bad field (nothing was changed).', schema: 'BadRequest' },
  '401': { description: 'auth=jwt deployments: no or an invalid bearer token (answered by API Gateway).', schema: 'GatewayError' },
  '403': { description: 'Not authorized: unsigned or wrongly signed request, or an identity without access (answered by API Gateway).', schema: 'GatewayError' },
  '404': { description: 'No such conversation for this caller (another individual’s or tenant’s is not revealed).', schema: 'Error' },
  '409': { description: 'A concurrent write won (or the same Idempotency-Key is still in flight): nothing was changed; retry after `Retry-After` seconds.', schema: 'Error', headers: ['RetryAfter'] },
  '413': { description: 'The body is larger than the deployment’s limit (`maxBodyBytes`, 64 KiB by default).', schema: 'BadRequest' },
  '422': { description: 'The Idempotency-Key was already used with a different body.', schema: 'BadRequest' },
  '500': { description: 'An internal error; the body carries only `request_id`.', schema: 'Error' },
  '503': { description: 'DynamoDB throttled or was unreachable after the SDK’s retries; nothing was committed. Retry after `Retry-After` seconds.', schema: 'Error', headers: ['RetryAfter'] },
};

interface OperationSpec {
  method: 'get' | 'post' | 'delete';
  path: string;
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  /** 'caller' = a client backend or operator; 'operator' = operators only; 'none' = unauthenticated. */
  access: 'caller' | 'operator' | 'none';
  request?: string;
  parameters?: JsonObject[];
  ok: ResponseSpec & { status?: string };
  errors: string[];
  /** Route-specific meaning of a shared error status. */
  errorOverrides?: Record<string, ResponseSpec>;
}

const ID_PARAM: JsonObject = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'The conversation_id.',
  schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
};

/** Every route of the API. A test checks this list against the routes the orchestrate function serves. */
export const OPERATIONS: OperationSpec[] = [
  {
    method: 'post',
    path: '/orchestrate',
    operationId: 'orchestrateTurn',
    summary: 'One conversation turn',
    description:
      'Loads the conversation (a new `conversation_id` starts one with its plan’s checkpoints), runs the requested ' +
      'agents and the routed responder, advances checkpoints and the task stack, escalates to a human when needed, ' +
      'commits the new state and only then answers. `plan`, `services` and `detected_agent` must be values the ' +
      `deployment knows (a 400 lists them). At most ${MAX_SERVICES} services; text up to ${MAX_TEXT_CHARS} characters.`,
    tags: ['turns'],
    access: 'caller',
    request: 'OrchestratorQuery',
    parameters: [
      {
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: 'Makes a retry safe: a repeat with the same key and body returns the stored answer (header `idempotent-replayed: true`) without running the turn again; the same key with another body is a 422. Kept 24 h.',
        schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
      },
    ],
    ok: { description: 'The turn was committed.', schema: 'OrchestratorResponse', headers: ['ServerTiming', 'IdempotentReplayed'] },
    errors: ['400', '401', '403', '404', '409', '413', '422', '500', '503'],
  },
  {
    method: 'get',
    path: '/health',
    operationId: 'health',
    summary: 'Liveness',
    description: 'Seed-compatible liveness answer; unauthenticated.',
    tags: ['service'],
    access: 'none',
    ok: { description: 'The function answers.', schema: 'HealthResponse' },
    errors: [],
  },
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'openapi',
    summary: 'This document',
    description: 'The OpenAPI 3.1 document of this API (generated from the zod contracts). It holds no data, but only GET /health is unauthenticated: any authenticated caller may read it.',
    tags: ['service'],
    access: 'caller',
    ok: { description: 'The OpenAPI document.', schema: '' },
    errors: [],
  },
  {
    method: 'get',
    path: '/conversations',
    operationId: 'listConversations',
    summary: 'List conversations (operators)',
    description: 'The caller’s tenant’s conversations, most recently updated first (a sparse index written with each state update). Filter by individual or status; page with `cursor`.',
    tags: ['operators'],
    access: 'operator',
    parameters: [
      { name: 'individual_id', in: 'query', required: false, description: 'Only this individual’s conversations.', schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' } },
      { name: 'status', in: 'query', required: false, description: '`paused` = waiting for a human; `active` = not paused.', schema: { type: 'string', enum: [...CONVERSATION_STATUSES] } },
      { name: 'limit', in: 'query', required: false, description: 'Page size, 1-100 (default 25).', schema: { type: 'integer', minimum: 1, maximum: 100 } },
      { name: 'cursor', in: 'query', required: false, description: 'The `next_cursor` of the previous page.', schema: { type: 'string' } },
    ],
    ok: { description: 'A page of conversations.', schema: 'ConversationList' },
    errors: ['400', '401', '403', '503'],
  },
  {
    method: 'get',
    path: '/conversations/{id}',
    operationId: 'inspectConversation',
    summary: 'Inspect a conversation (operators)',
    description: 'The stored task stack with checkpoint statuses, flags, version, turn count and pause log (read from the table, never the cache). No patient text.',
    tags: ['operators'],
    access: 'operator',
    parameters: [ID_PARAM],
    ok: { description: 'The conversation.', schema: 'ConversationInspection' },
    errors: ['401', '403', '404', '503'],
  },
  {
    method: 'get',
    path: '/conversations/{id}/turns',
    operationId: 'listTurns',
    summary: 'A conversation’s turn log (operators)',
    description: 'Committed turns in order: the reply, every agent with status, latency and start offset in the workflow (a waterfall), the responder, timings. The patient’s words only when the deployment stores turn text (`stores_text`). Live views poll with `after` = the last turn they have.',
    tags: ['operators'],
    access: 'operator',
    parameters: [
      ID_PARAM,
      { name: 'after', in: 'query', required: false, description: 'Only turns after this turn number (default 0).', schema: { type: 'integer', minimum: 0 } },
      { name: 'limit', in: 'query', required: false, description: 'Most turns returned, 1-100 (default 50).', schema: { type: 'integer', minimum: 1, maximum: 100 } },
    ],
    ok: { description: 'The turns.', schema: 'TurnLog' },
    errors: ['400', '401', '403', '404', '503'],
  },
  {
    method: 'post',
    path: '/conversations/{id}/resume',
    operationId: 'resumeConversation',
    summary: 'Resume a paused conversation (operators)',
    description: 'Clears `requires_human`/`is_paused` of a conversation paused for a human and records who (the caller’s identity), when and why in the pause log.',
    tags: ['operators'],
    access: 'operator',
    request: 'ResumeRequest',
    parameters: [ID_PARAM],
    ok: { description: 'The resumed conversation.', schema: 'ConversationInspection' },
    errors: ['400', '401', '403', '404', '409', '503'],
    errorOverrides: { '409': { description: 'The conversation is not paused (nothing was changed).', schema: 'Error' } },
  },
  {
    method: 'get',
    path: '/health/details',
    operationId: 'healthDetails',
    summary: 'Liveness with internals (operators)',
    description: 'The liveness answer plus warm-cache counters of the answering container. Audited.',
    tags: ['service'],
    access: 'operator',
    ok: { description: 'Status, service, version and cache counters.', schema: '' },
    errors: ['401', '403'],
  },
  {
    method: 'get',
    path: '/audit',
    operationId: 'listAudit',
    summary: 'The tenant’s operator audit log (operators)',
    description: 'Every operator read, resume and erasure of the caller’s tenant: who, when, what, request id — never conversation text. `since` (ISO time), `limit`, `cursor` page through it.',
    tags: ['operators'],
    access: 'operator',
    parameters: [
      { name: 'since', in: 'query', required: false, description: 'Only entries at or after this ISO 8601 time.', schema: { type: 'string' } },
      { name: 'limit', in: 'query', required: false, description: 'Page size.', schema: { type: 'integer', minimum: 1, maximum: 100 } },
      { name: 'cursor', in: 'query', required: false, description: 'The `next_cursor` of the previous page.', schema: { type: 'string' } },
    ],
    ok: { description: 'A page of audit entries.', schema: '' },
    errors: ['400', '401', '403', '503'],
  },
  {
    method: 'delete',
    path: '/individuals/{individual_id}',
    operationId: 'eraseIndividual',
    summary: 'Right to erasure (operators)',
    description: 'Removes every item of the individual in the caller’s tenant (conversations, turns, idempotency records, memory) and answers with the counts; the audit entry of the erasure remains (with a pseudonym).',
    tags: ['operators'],
    access: 'operator',
    parameters: [{ name: 'individual_id', in: 'path', required: true, description: 'The individual_id.', schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' } }],
    ok: { description: 'What was deleted, by kind.', schema: '' },
    errors: ['400', '401', '403', '503'],
  },
];

/** `"POST /orchestrate"` — the key of an operation in ExampleSet and in the function's route table. */
export function operationKey(op: { method: string; path: string }): string {
  return `${op.method.toUpperCase()} ${op.path}`;
}

function responseObject(spec: ResponseSpec, examples: Record<string, RecordedExample> | undefined): JsonObject {
  const out: JsonObject = { description: spec.description };
  const headers: JsonObject = { 'X-Request-Id': { $ref: '#/components/headers/RequestId' } };
  for (const h of spec.headers ?? []) headers[h === 'ServerTiming' ? 'Server-Timing' : h === 'RetryAfter' ? 'Retry-After' : h === 'IdempotentReplayed' ? 'idempotent-replayed' : h] = { $ref: `#/components/headers/${h}` };
  out['headers'] = headers;
  out['content'] = spec.schema === '' ? { 'application/json': { schema: { type: 'object' } } } : json(spec.schema, examples);
  return out;
}

/** Examples of one operation and status, keyed by example name. */
function examplesFor(set: ExampleSet, key: string, status: string): Record<string, RecordedExample> {
  return Object.fromEntries(Object.entries(set.responses[key] ?? {}).filter(([, e]) => String(e.status) === status));
}

/** Build the whole document. `version` is the service version; `examples` come from `npm run openapi`. */
export function buildOpenApiDocument(options: { version: string; examples?: ExampleSet }): JsonObject {
  const examples = options.examples ?? EMPTY_EXAMPLES;
  const paths: Record<string, JsonObject> = {};
  for (const op of OPERATIONS) {
    const key = operationKey(op);
    const responses: JsonObject = {};
    const okStatus = op.ok.status ?? '200';
    responses[okStatus] = responseObject(op.ok, examplesFor(examples, key, okStatus));
    for (const code of op.errors) responses[code] = responseObject(op.errorOverrides?.[code] ?? ERRORS[code]!, examplesFor(examples, key, code));
    const operation: JsonObject = {
      operationId: op.operationId,
      summary: op.summary,
      description: op.description,
      tags: op.tags,
      security: op.access === 'none' ? [] : [{ sigv4: [] }, { jwt: [] }],
      ...(op.access === 'operator' ? { 'x-polaris-role': 'operator' } : {}),
      ...(op.parameters ? { parameters: op.parameters } : {}),
      responses,
    };
    if (op.request) {
      const reqExamples = examples.requests[key] ?? {};
      const content: JsonObject = { schema: REF(op.request) };
      if (Object.keys(reqExamples).length) {
        content['examples'] = Object.fromEntries(Object.entries(reqExamples).map(([n, e]) => [n, { summary: e.summary, value: e.value as Json }]));
      }
      operation['requestBody'] = { required: true, content: { 'application/json': content } };
    }
    (paths[op.path] ??= {})[op.method] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Polaris Orchestrator API',
      version: options.version,
      summary: 'Conversation turns for the Polaris health-companion platform, and the operator routes that inspect and resume conversations.',
      description:
        'Generated from the zod contracts in functions/contracts (npm run openapi); the examples are real answers of the offline stack. ' +
        'Every route but /health and /openapi.json needs a caller identity: an AWS SigV4 signature (IAM, the default) or, in auth=jwt deployments, a bearer JWT. ' +
        'Operator routes need an identity with the operator role of its tenant. Patient text is never logged; error bodies name the bad field and never echo it.',
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [
      { url: 'http://localhost:3000', description: 'The offline stack (npm start)' },
      {
        url: 'https://{apiId}.execute-api.{region}.amazonaws.com/{stage}',
        description: 'A deployment (stack output ApiUrl)',
        variables: { apiId: { default: 'abc123' }, region: { default: 'us-east-1' }, stage: { default: 'dev' } },
      },
    ],
    tags: [
      { name: 'turns', description: 'Talking to the companion.' },
      { name: 'operators', description: 'For a care team: see and resume conversations (operator role).' },
      { name: 'service', description: 'Liveness and this document.' },
    ],
    paths,
    components: {
      schemas: componentSchemas(),
      headers: HEADERS,
      securitySchemes: {
        sigv4: {
          type: 'apiKey',
          in: 'header',
          name: 'Authorization',
          description:
            'AWS Signature Version 4 (service `execute-api`) by an IAM principal the deployment maps to a tenant and role (API Gateway IAM authorization). ' +
            'E.g. `curl --aws-sigv4 "aws:amz:us-east-1:execute-api" --user "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"`. The offline stack checks the same signature against its documented local identities.',
        },
        jwt: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'auth=jwt deployments: a JWT of the configured issuer and audience; its claims carry tenant and role.',
        },
      },
    },
  };
}
