/**
 * SigV4 verification for the offline API front, as API Gateway's IAM authorization does it: the signature is
 * recomputed with the SDK's own signer (@smithy/signature-v4) from the request as received — method, path,
 * query, the signed headers, and the hash of the body actually received (a body changed after signing fails,
 * and a client-sent `x-amz-content-sha256` must match it) — against the secret of the access key's local
 * identity, and compared in constant time. The signing time must be within 5 minutes of now.
 * Answers use API Gateway's own messages (403 for every failure of an IAM-authorized method).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type * as http from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from './client.js';
import { localIdentity, type LocalIdentity } from './identities.js';

/** Largest accepted difference between the signing time and now (API Gateway: 5 minutes). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

export type Verification = { ok: true; identity: LocalIdentity } | { ok: false; status: 403; message: string };

const AUTH_RE = /^AWS4-HMAC-SHA256\s+Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;.-]+),\s*Signature=([0-9a-f]{64})$/i;

function fail(message: string): Verification {
  return { ok: false, status: 403, message };
}

/** `20261124T081500Z` → epoch ms (NaN if malformed). */
function parseAmzDate(v: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(v);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : Number.NaN;
}

function headerValue(req: http.IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** Verify the SigV4 signature of a received request (see the header). */
export async function verifySigV4(req: http.IncomingMessage, rawUrl: string, body: Buffer, now = Date.now()): Promise<Verification> {
  const authorization = headerValue(req, 'authorization');
  if (!authorization) return fail('Missing Authentication Token');
  const m = AUTH_RE.exec(authorization.trim());
  if (!m) return fail(`Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters (AWS4-HMAC-SHA256).`);
  const [, accessKeyId, day, region, service, signedHeaderList, signature] = m as unknown as [string, string, string, string, string, string, string];
  const identity = localIdentity(accessKeyId);
  if (!identity) return fail('The security token included in the request is invalid.');
  if (service !== 'execute-api') return fail(`Credential should be scoped to correct service: 'execute-api'.`);

  const amzDate = headerValue(req, 'x-amz-date');
  const signedAt = amzDate ? parseAmzDate(amzDate) : Number.NaN;
  if (Number.isNaN(signedAt)) return fail('Missing or malformed X-Amz-Date header.');
  if (amzDate!.slice(0, 8) !== day) return fail('Credential date does not match X-Amz-Date.');
  if (Math.abs(now - signedAt) > MAX_CLOCK_SKEW_MS) {
    return fail(`Signature expired: ${amzDate} is now earlier or later than ${new Date(now - MAX_CLOCK_SKEW_MS).toISOString()} - ${new Date(now + MAX_CLOCK_SKEW_MS).toISOString()} (5 minutes).`);
  }

  // The body as received decides the payload hash; a declared hash must agree with it.
  const bodyHash = createHash('sha256').update(body).digest('hex');
  const declared = headerValue(req, 'x-amz-content-sha256');
  if (declared !== undefined && declared !== 'UNSIGNED-PAYLOAD' && declared.toLowerCase() !== bodyHash) {
    return fail('The request signature we calculated does not match the signature you provided.');
  }

  const signedHeaders = signedHeaderList.toLowerCase().split(';');
  if (!signedHeaders.includes('host')) return fail('Host must be a signed header.');
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const v = headerValue(req, name);
    if (v === undefined) return fail(`Signed header ${name} is missing from the request.`);
    headers[name] = v;
  }
  // The signer hashes this header's value instead of the body: give it the hash of what was received.
  headers['x-amz-content-sha256'] = bodyHash;

  const url = new URL(rawUrl, 'http://localhost');
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of url.searchParams) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const signer = new SignatureV4({
    credentials: { accessKeyId: identity.accessKeyId, secretAccessKey: identity.secretAccessKey },
    region,
    service,
    sha256: Sha256,
  });
  const signed = await signer.sign(
    { method: req.method ?? 'GET', protocol: 'http:', hostname: headers['host']!, path: url.pathname, query, headers, body },
    {
      signingDate: new Date(signedAt),
      signableHeaders: new Set(signedHeaders),
      // Sign exactly the client's list: our helper header above is signed only if the client signed it.
      unsignableHeaders: new Set(signedHeaders.includes('x-amz-content-sha256') ? [] : ['x-amz-content-sha256']),
    },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers['authorization'] ?? ''))?.[1] ?? '';
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(signature.toLowerCase(), 'utf8');
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    return fail('The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.');
  }
  return { ok: true, identity };
}
