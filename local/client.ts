/**
 * The one HTTP client every tool of the project uses to talk to an orchestrator API (tests, `npm run
 * converse`, `npm run chat`, benchmarks): requests are SigV4-signed (service `execute-api`) with one of the
 * documented local identities — the same signature `curl --aws-sigv4 "aws:amz:us-east-1:execute-api"`
 * makes — so the offline stack can enforce the authorization AWS enforces.
 */
import { createHash, createHmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SourceData } from '@smithy/types';
import { localIdentity, type LocalIdentityName } from './identities.js';

function toBytes(data: SourceData): Uint8Array {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

/** node:crypto behind the `Checksum` interface the signer expects (sha256, HMAC when given a secret). */
export class Sha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', toBytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(toBytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
  reset(): void {
    throw new Error('Sha256.reset is not supported');
  }
}

export interface SignedRequestInit {
  method?: string;
  body?: string;
  headers?: Record<string, string>;
  /** Local identity to sign with (default `polaris-local`); `null` sends the request unsigned. */
  identity?: LocalIdentityName | null;
  /** Explicit credentials (e.g. a wrong secret in a test); wins over `identity`. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  region?: string;
  /** Signing time (tests of clock skew). */
  signingDate?: Date;
  /** Bearer token instead of SigV4 (auth=jwt deployments). */
  bearer?: string;
}

/** Headers (lower-case names) that make a signed request to `url`. */
export async function signRequest(url: string, init: SignedRequestInit = {}): Promise<Record<string, string>> {
  const u = new URL(url);
  const method = (init.method ?? 'GET').toUpperCase();
  const headers: Record<string, string> = { host: u.host };
  for (const [k, v] of Object.entries(init.headers ?? {})) headers[k.toLowerCase()] = v;
  if (init.bearer !== undefined) return { ...headers, authorization: `Bearer ${init.bearer}` };
  const identityName = init.identity === undefined ? 'polaris-local' : init.identity;
  if (identityName === null && init.credentials === undefined) return headers;
  const credentials = init.credentials ?? (() => {
    const id = localIdentity(identityName!);
    if (!id) throw new Error(`unknown local identity ${identityName}`);
    return { accessKeyId: id.accessKeyId, secretAccessKey: id.secretAccessKey };
  })();
  const signer = new SignatureV4({ credentials, region: init.region ?? 'us-east-1', service: 'execute-api', sha256: Sha256 });
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of u.searchParams) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const signed = await signer.sign(
    {
      method,
      protocol: u.protocol,
      hostname: u.hostname,
      ...(u.port ? { port: Number(u.port) } : {}),
      path: u.pathname,
      query,
      headers,
      ...(init.body !== undefined ? { body: init.body } : {}),
    },
    init.signingDate ? { signingDate: init.signingDate } : {},
  );
  return signed.headers as Record<string, string>;
}

/** fetch with a SigV4 signature (or bearer token, or nothing) — see SignedRequestInit. */
export async function signedFetch(url: string, init: SignedRequestInit = {}): Promise<Response> {
  const headers = await signRequest(url, init);
  delete headers.host; // fetch sets it itself
  return fetch(url, { method: init.method ?? 'GET', headers, ...(init.body !== undefined ? { body: init.body } : {}) });
}

/** POST a JSON body, signed. */
export async function postJson(url: string, body: unknown, init: Omit<SignedRequestInit, 'method' | 'body'> = {}): Promise<Response> {
  return signedFetch(url, {
    ...init,
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...init.headers },
  });
}
