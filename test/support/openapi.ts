/**
 * Checks real answers against the committed OpenAPI document (docs/openapi.json): the operation must document
 * the status, the body must validate against the response schema (JSON Schema 2020-12, ajv), and every
 * header the document marks required must be present. e2e tests call `expectDocumented` on each answer.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { ROOT } from './paths.js';

export const OPENAPI_PATH = path.join(ROOT, 'docs', 'openapi.json');

type Doc = {
  paths: Record<string, Record<string, { responses: Record<string, { headers?: Record<string, { $ref?: string; required?: boolean }>; content?: Record<string, { schema: unknown }> }> }>>;
  components: { headers: Record<string, { required?: boolean }> };
};

let cached: { doc: Doc; ajv: Ajv2020; validators: Map<string, ValidateFunction> } | undefined;
const DOC_ID = 'https://polaris.invalid/openapi.json';

function load() {
  if (cached) return cached;
  const doc = JSON.parse(fs.readFileSync(OPENAPI_PATH, 'utf8')) as Doc;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  // The document's components as one schema resource, so `#/components/schemas/X` refs resolve inside it.
  ajv.addSchema({ $id: DOC_ID, components: doc.components } as object);
  cached = { doc, ajv, validators: new Map() };
  return cached;
}

/** The documented operation path for a concrete URL path: `/conversations/abc/turns` → `/conversations/{id}/turns`. */
export function documentedPath(urlPath: string): string | undefined {
  const { doc } = load();
  const clean = urlPath.split('?')[0]!;
  for (const template of Object.keys(doc.paths)) {
    const re = new RegExp(`^${template.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`);
    if (re.test(clean)) return template;
  }
  return undefined;
}

/** Problems of one answer against the document (empty = it conforms). */
export function answerProblems(args: { method: string; path: string; status: number; headers?: Headers | Record<string, string>; body: unknown }): string[] {
  const { doc, ajv, validators } = load();
  const template = documentedPath(args.path);
  if (!template) return [`${args.method} ${args.path}: no such path in the document`];
  const op = doc.paths[template]![args.method.toLowerCase()];
  if (!op) return [`${args.method} ${template}: no such operation in the document`];
  const response = op.responses[String(args.status)];
  if (!response) return [`${args.method} ${template}: status ${args.status} is not documented (documented: ${Object.keys(op.responses).join(', ')})`];
  const problems: string[] = [];
  const get = (name: string): string | null =>
    args.headers instanceof Headers ? args.headers.get(name) : (Object.entries(args.headers ?? {}).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1] ?? null);
  for (const [name, h] of Object.entries(response.headers ?? {})) {
    const def = h.$ref ? doc.components.headers[h.$ref.split('/').pop()!] : h;
    if (def?.required && get(name) === null) problems.push(`${args.method} ${template} ${args.status}: required header ${name} is missing`);
  }
  const pointer = `#/paths/${template.replace(/~/g, '~0').replace(/\//g, '~1')}/${args.method.toLowerCase()}/responses/${args.status}/content/application~1json/schema`;
  const schema = response.content?.['application/json']?.schema as { $ref?: string } | undefined;
  if (schema) {
    const key = schema.$ref ?? pointer;
    let validate = validators.get(key);
    if (!validate) {
      validate = schema.$ref ? ajv.compile({ $ref: `${DOC_ID}${schema.$ref}` }) : ajv.compile(schema as object);
      validators.set(key, validate);
    }
    if (!validate(args.body)) {
      for (const e of validate.errors ?? []) problems.push(`${args.method} ${template} ${args.status}: body${e.instancePath} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
    }
  }
  return problems;
}

/** Assert that an answer is one the document describes (status, required headers, body schema). */
export function expectDocumented(args: { method: string; path: string; status: number; headers?: Headers | Record<string, string>; body: unknown }): void {
  expect(answerProblems(args), `${args.method} ${args.path} → ${args.status} against docs/openapi.json`).toEqual([]);
}
