/**
 * HTTP plumbing for the orchestrate function: JSON responses, header lookup, and the mapping from typed
 * errors to answers. A client sees a clear message for 4xx and never a stack trace or internal detail.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';

export type HttpResult = APIGatewayProxyResult & { headers: Record<string, string> };

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

/** Case-insensitive header lookup (API Gateway keeps the client's casing). */
export function header(event: APIGatewayProxyEvent, name: string): string | undefined {
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(event.headers ?? {})) {
    if (k.toLowerCase() === want && v !== undefined) return v;
  }
  return undefined;
}

/** The raw body as text (API Gateway may base64-encode it). */
export function bodyText(event: APIGatewayProxyEvent): string | null {
  if (event.body === null || event.body === undefined) return null;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

/** One bad field, in the shape of every 4xx body. */
export function problem(statusCode: number, error: string, field: string, detail: string, headers: Record<string, string> = {}): HttpResult {
  return json(statusCode, { error, details: [{ field, problem: detail }] }, headers);
}
