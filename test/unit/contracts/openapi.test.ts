/**
 * The OpenAPI document: generated from the zod contracts, committed as docs/openapi.json (this test fails
 * until `npm run openapi` is run after a contract change), valid OpenAPI 3.1 for an independent validator,
 * listing exactly the routes the function serves, and every recorded example valid against its own schema.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { buildOpenApiDocument, OPERATIONS, operationKey, type ExampleSet } from '../../../functions/contracts/openapi.js';
import { ROUTE_KEYS, SERVICE_VERSION } from '../../../functions/orchestrate/app.js';
import { ROOT } from '../../support/paths.js';
import { answerProblems, OPENAPI_PATH } from '../../support/openapi.js';

const committed = JSON.parse(fs.readFileSync(OPENAPI_PATH, 'utf8')) as Record<string, any>;
const examples = JSON.parse(fs.readFileSync(path.join(ROOT, 'docs', 'openapi-examples.json'), 'utf8')) as ExampleSet;

describe('OpenAPI document', () => {
  it('docs/openapi.json is what the zod contracts and the recorded examples generate (run `npm run openapi` after a contract change)', () => {
    expect(committed).toEqual(buildOpenApiDocument({ version: SERVICE_VERSION, examples }));
  });

  it('is a valid OpenAPI 3.1 document for an independent validator', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(committed));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('documents exactly the routes the orchestrate function serves', () => {
    expect(OPERATIONS.map(operationKey).sort()).toEqual([...ROUTE_KEYS].sort());
    const documented = Object.entries(committed.paths as Record<string, Record<string, unknown>>).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`));
    expect(documented.sort()).toEqual([...ROUTE_KEYS].sort());
  });

  it('declares SigV4 and JWT security, and every route but /health requires one of them (API Gateway authorizes all others)', () => {
    expect(committed.components.securitySchemes.sigv4).toMatchObject({ type: 'apiKey', in: 'header', name: 'Authorization' });
    expect(committed.components.securitySchemes.jwt).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    for (const [p, ops] of Object.entries(committed.paths as Record<string, Record<string, { security: unknown[] }>>)) {
      for (const [m, op] of Object.entries(ops)) {
        if (p === '/health') expect(op.security, `${m} ${p}`).toEqual([]);
        else expect(op.security, `${m} ${p}`).toEqual([{ sigv4: [] }, { jwt: [] }]);
      }
    }
  });

  it('documents the turn’s headers and error answers: Idempotency-Key, Server-Timing, 400 with details, 409/503 with Retry-After', () => {
    const turn = committed.paths['/orchestrate'].post;
    expect(turn.parameters.map((p: { name: string }) => p.name)).toContain('Idempotency-Key');
    expect(turn.responses['200'].headers['Server-Timing']).toEqual({ $ref: '#/components/headers/ServerTiming' });
    expect(committed.components.headers.ServerTiming.required).toBe(true);
    for (const code of ['400', '401', '403', '404', '409', '413', '422', '500', '503']) expect(Object.keys(turn.responses)).toContain(code);
    expect(turn.responses['409'].headers['Retry-After']).toBeDefined();
    expect(turn.responses['503'].headers['Retry-After']).toBeDefined();
    expect(committed.components.schemas.BadRequest.required).toEqual(['error', 'details']);
    // The request schema is the strict OrchestratorQuery: unknown fields are an error.
    expect(committed.components.schemas.OrchestratorQuery.additionalProperties).toBe(false);
  });

  it('every recorded example is a real answer that validates against its operation’s schema', () => {
    let count = 0;
    for (const [key, byName] of Object.entries(examples.responses)) {
      const [method, p] = key.split(' ') as [string, string];
      for (const [name, e] of Object.entries(byName)) {
        count++;
        // Path templates are documented with `{id}`; examples were recorded on concrete ids.
        expect(answerProblems({ method, path: p.replace('{id}', 'example-id'), status: e.status, headers: e.headers ?? {}, body: e.body }), `${key} ${name}`).toEqual([]);
      }
    }
    expect(count).toBeGreaterThanOrEqual(8);
  });

  it('the helper rejects an answer the document does not describe (so the e2e checks can fail)', () => {
    expect(answerProblems({ method: 'GET', path: '/health', status: 200, body: { status: 'sick' } })).not.toEqual([]);
    expect(answerProblems({ method: 'POST', path: '/orchestrate', status: 200, headers: {}, body: {} }).join('\n')).toMatch(/Server-Timing[\s\S]*required property/);
    expect(answerProblems({ method: 'POST', path: '/orchestrate', status: 418, body: {} })[0]).toMatch(/not documented/);
    expect(answerProblems({ method: 'GET', path: '/nowhere', status: 200, body: {} })[0]).toMatch(/no such path/);
  });
});
