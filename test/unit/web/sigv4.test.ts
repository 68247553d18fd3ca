/**
 * The in-page SigV4 signer (local/web/sigv4.js, WebCrypto) signs exactly like the project's client
 * (local/client.ts on @smithy/signature-v4): same signature for the same request, across paths, query
 * strings, bodies and session tokens. The inspector and the API reference depend on it.
 */
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { signRequest } from '../../../local/client.js';
import { ROOT } from '../../support/paths.js';

type PageSigner = (args: Record<string, unknown>) => Promise<Record<string, string>>;
const page = (await import(pathToFileURL(path.join(ROOT, 'local', 'web', 'sigv4.js')).href)) as { signRequest: PageSigner };

const credentials = { accessKeyId: 'polaris-operator', secretAccessKey: 'polaris-operator-secret' };
const date = new Date('2026-11-24T08:00:00.000Z');

describe('in-page SigV4 signer', () => {
  const cases: Array<{ url: string; method: string; body?: string; headers?: Record<string, string> }> = [
    { url: 'http://127.0.0.1:3000/conversations', method: 'GET' },
    { url: 'http://localhost:3000/conversations?status=paused&limit=50&individual_id=ind-1', method: 'GET' },
    { url: 'http://127.0.0.1:3000/conversations/conv:42.a_b/turns?after=3', method: 'GET' },
    { url: 'https://abc123.execute-api.us-east-1.amazonaws.com/prod/conversations/c-1/resume', method: 'POST', body: '{"reason":"called back"}', headers: { 'content-type': 'application/json' } },
    { url: 'http://127.0.0.1:3000/conversations?cursor=eyJwayI6IlQjbG9jYWwj', method: 'GET' },
  ];
  for (const c of cases) {
    it(`${c.method} ${c.url}`, async () => {
      const expected = await signRequest(c.url, { method: c.method, body: c.body, headers: c.headers, credentials, signingDate: date });
      const got = await page.signRequest({ url: c.url, method: c.method, body: c.body, headers: c.headers ?? {}, credentials, date });
      expect(got.authorization).toBe(expected.authorization);
      expect(got['x-amz-date']).toBe(expected['x-amz-date']);
    });
  }

  it('a wrong secret gives another signature (the comparison can fail)', async () => {
    const url = 'http://127.0.0.1:3000/conversations';
    const expected = await signRequest(url, { credentials, signingDate: date });
    const got = await page.signRequest({ url, credentials: { ...credentials, secretAccessKey: 'nope' }, date });
    expect(got.authorization).not.toBe(expected.authorization);
  });
});
