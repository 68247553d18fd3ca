/**
 * GET /openapi.json: the committed OpenAPI document (docs/openapi.json, generated from the zod contracts by
 * `npm run openapi`), bundled into the function as JSON. Unauthenticated like /health: it describes the API
 * and holds no data. A test keeps the served document identical to the committed one and to the contracts.
 */
import document from '../../docs/openapi.json' with { type: 'json' };
import { json, type HttpResult } from './http.js';

let body: string | undefined;

export function openApiRoute(): HttpResult {
  body ??= JSON.stringify(document);
  return { ...json(200, null, { 'cache-control': 'public, max-age=300' }), body };
}
