/**
 * The offline API front's SigV4 check (local/sigv4-verify.ts) against a tiny server on a free port:
 * the project's client, a curl-style signature without x-amz-content-sha256, and every way to fail.
 */
import * as http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256, signRequest, signedFetch } from '../../../local/client.js';
import { verifySigV4 } from '../../../local/sigv4-verify.js';
import { close, listen, readBody } from '../../../local/http-util.js';

let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer(async (req, res) => {
    const body = await readBody(req);
    const v = await verifySigV4(req, req.url ?? '/', body);
    res.writeHead(v.ok ? 200 : v.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(v.ok ? { who: v.identity.accessKeyId, tenant: v.identity.tenant } : { message: v.message }));
  });
  const port = await listen(server, 0);
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => close(server));

async function send(url: string, headers: Record<string, string>, body?: string, method = 'POST') {
  delete headers.host;
  const res = await fetch(url, { method, headers, ...(body !== undefined ? { body } : {}) });
  return { status: res.status, json: (await res.json()) as Record<string, string> };
}

describe('SigV4 verification (offline API Gateway)', () => {
  it('accepts each documented identity signing with the project client, GET with a query string too', async () => {
    for (const identity of ['polaris-local', 'polaris-local-b', 'polaris-operator'] as const) {
      const res = await signedFetch(`${base}/orchestrate`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' }, identity });
      expect(res.status, identity).toBe(200);
      expect(((await res.json()) as { who: string }).who).toBe(identity);
    }
    const q = await signedFetch(`${base}/audit?since=2026-01-01T00:00:00Z&limit=5`, { identity: 'polaris-operator' });
    expect(q.status).toBe(200);
  });

  it('accepts a curl --aws-sigv4 style signature (no x-amz-content-sha256 header): the body is hashed as received', async () => {
    const body = '{"text":"hello"}';
    const u = new URL(`${base}/orchestrate`);
    const signer = new SignatureV4({ credentials: { accessKeyId: 'polaris-local', secretAccessKey: 'polaris-local-secret' }, region: 'us-east-1', service: 'execute-api', sha256: Sha256, applyChecksum: false });
    const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname: u.hostname, port: Number(u.port), path: u.pathname, query: {}, headers: { host: u.host, 'content-type': 'application/json' }, body });
    const headers = signed.headers as Record<string, string>;
    expect(headers['x-amz-content-sha256']).toBeUndefined();
    expect((await send(u.href, { ...headers }, body)).status).toBe(200);
    // The same signature with another body fails.
    expect((await send(u.href, { ...headers }, '{"text":"HELLO"}')).status).toBe(403);
  });

  it('refuses: no signature, unknown key, wrong secret, 30 minutes old, body changed after signing, tampered header', async () => {
    const url = `${base}/orchestrate`;
    const body = '{"text":"hi"}';
    const init = { method: 'POST', body, headers: { 'content-type': 'application/json' } };
    const none = await send(url, { 'content-type': 'application/json' }, body);
    expect(none).toMatchObject({ status: 403, json: { message: 'Missing Authentication Token' } });
    const unknown = await send(url, await signRequest(url, { ...init, credentials: { accessKeyId: 'nobody', secretAccessKey: 'x' } }), body);
    expect(unknown.status).toBe(403);
    const wrong = await send(url, await signRequest(url, { ...init, credentials: { accessKeyId: 'polaris-local', secretAccessKey: 'not-the-secret' } }), body);
    expect(wrong.status).toBe(403);
    expect(wrong.json.message).toMatch(/signature/i);
    const old = await send(url, await signRequest(url, { ...init, signingDate: new Date(Date.now() - 30 * 60_000) }), body);
    expect(old.status).toBe(403);
    expect(old.json.message).toMatch(/expired/i);
    const future = await send(url, await signRequest(url, { ...init, signingDate: new Date(Date.now() + 6 * 60_000) }), body);
    expect(future.status).toBe(403);
    const changed = await send(url, await signRequest(url, init), '{"text":"hi!"}');
    expect(changed.status).toBe(403);
    const headers = await signRequest(url, init);
    const tampered = await send(url, { ...headers, 'content-type': 'text/plain' }, body);
    expect(tampered.status).toBe(403);
    // Within the 5 minutes of skew: accepted.
    expect((await send(url, await signRequest(url, { ...init, signingDate: new Date(Date.now() - 4 * 60_000) }), body)).status).toBe(200);
  });

  it('a signature for another path or method does not open this one', async () => {
    const signedFor = await signRequest(`${base}/conversations/c1`, { method: 'GET', identity: 'polaris-operator' });
    expect((await send(`${base}/conversations/c2`, { ...signedFor }, undefined, 'GET')).status).toBe(403);
    expect((await send(`${base}/conversations/c1`, { ...signedFor }, undefined, 'DELETE')).status).toBe(403);
    expect((await send(`${base}/conversations/c1`, { ...signedFor }, undefined, 'GET')).status).toBe(200);
  });
});
