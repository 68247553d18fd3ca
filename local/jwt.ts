/**
 * The offline JWT issuer: a committed RS256 key pair (local/jwt-dev-key.json, public on purpose) whose public
 * half the offline stack gives the JWT authorizer as its JWKS, and whose private half `npm run token` and the
 * tests sign with. Issuer and audience are the dev defaults of auth=jwt (lib/config.ts LOCAL_JWT).
 */
import { createPrivateKey, sign } from 'node:crypto';
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LOCAL_JWT } from '../lib/config.js';

interface KeyFile {
  private: Record<string, string>;
  public: Record<string, string>;
}

const keyFile = JSON.parse(fs.readFileSync(fileURLToPath(new URL('./jwt-dev-key.json', import.meta.url)), 'utf8')) as KeyFile;

/** The JWKS (JSON text) the local authorizer verifies against. */
export function localJwks(): string {
  return JSON.stringify({ keys: [keyFile.public] });
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

export interface LocalTokenOptions {
  tenant?: string;
  role?: string;
  sub?: string;
  /** Seconds until expiry (negative = already expired). Default 3600. */
  expiresIn?: number;
  issuer?: string;
  audience?: string;
  /** Extra or overriding claims; `undefined` removes a claim (e.g. `{ tenant: undefined }`). */
  claims?: Record<string, unknown>;
  now?: number;
}

/** A signed RS256 JWT from the local issuer. */
export function localToken(options: LocalTokenOptions = {}): string {
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  const payload: Record<string, unknown> = {
    iss: options.issuer ?? LOCAL_JWT.issuer,
    aud: options.audience ?? LOCAL_JWT.audience[0],
    sub: options.sub ?? `local-${options.role ?? 'client'}`,
    iat: now,
    nbf: now - 5,
    exp: now + (options.expiresIn ?? 3600),
    [LOCAL_JWT.tenantClaim]: options.tenant ?? 'local',
    [LOCAL_JWT.roleClaim]: options.role ?? 'client',
  };
  for (const [k, v] of Object.entries(options.claims ?? {})) {
    if (v === undefined) delete payload[k];
    else payload[k] = v;
  }
  const input = `${b64({ alg: 'RS256', typ: 'JWT', kid: keyFile.public['kid'] })}.${b64(payload)}`;
  const key = createPrivateKey({ key: keyFile.private as never, format: 'jwk' });
  return `${input}.${sign('RSA-SHA256', Buffer.from(input), key).toString('base64url')}`;
}
