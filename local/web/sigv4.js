/**
 * AWS Signature Version 4 in the browser (WebCrypto), for pages that call the orchestrator API with an
 * identity's credentials: the inspector (operator) and the API reference's "Try it out". Signs exactly like
 * @smithy/signature-v4 for service `execute-api` (what local/client.ts and the AWS SDKs do): host,
 * x-amz-date, x-amz-content-sha256 (and the session token when present) are signed, the path is
 * URI-escaped per SigV4's non-S3 rule, the payload is hashed. Plain ES module, no dependencies.
 */
const enc = new TextEncoder();

function hex(buffer) {
  return [...new Uint8Array(buffer)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

async function sha256Hex(data) {
  return hex(await crypto.subtle.digest('SHA-256', typeof data === 'string' ? enc.encode(data) : data));
}

async function hmac(key, data) {
  const k = await crypto.subtle.importKey('raw', typeof key === 'string' ? enc.encode(key) : key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return crypto.subtle.sign('HMAC', k, enc.encode(data));
}

/** RFC 3986 escaping as the SigV4 signers do it. */
function escapeUri(s) {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalPath(pathname) {
  const segments = [];
  for (const seg of pathname.split('/')) {
    if (seg.length === 0 || seg === '.') continue;
    if (seg === '..') segments.pop();
    else segments.push(seg);
  }
  const normalized = `${pathname.startsWith('/') ? '/' : ''}${segments.join('/')}${segments.length > 0 && pathname.endsWith('/') ? '/' : ''}`;
  return escapeUri(normalized).replace(/%2F/g, '/');
}

function canonicalQuery(searchParams) {
  const pairs = [];
  for (const [k, v] of searchParams) pairs.push([escapeUri(k), escapeUri(v)]);
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

function amzDate(date) {
  return date.toISOString().replace(/[:-]|\.\d{3}/g, '');
}

/**
 * Headers that sign a request: { authorization, 'x-amz-date', ['x-amz-security-token'] } plus the given
 * headers. `credentials` = { accessKeyId, secretAccessKey, sessionToken? }.
 */
export async function signRequest({ url, method = 'GET', headers = {}, body = '', credentials, region = 'us-east-1', service = 'execute-api', date = new Date() }) {
  const u = new URL(url);
  const stamp = amzDate(date);
  const day = stamp.slice(0, 8);
  const payloadHash = await sha256Hex(body ?? '');
  const toSign = { host: u.host, 'x-amz-date': stamp, 'x-amz-content-sha256': payloadHash };
  for (const [k, v] of Object.entries(headers)) toSign[k.toLowerCase()] = String(v).trim().replace(/\s+/g, ' ');
  if (credentials.sessionToken) toSign['x-amz-security-token'] = credentials.sessionToken;
  const names = Object.keys(toSign).sort();
  const canonicalHeaders = names.map((n) => `${n}:${toSign[n]}\n`).join('');
  const signedHeaders = names.join(';');
  const canonical = [method.toUpperCase(), canonicalPath(u.pathname), canonicalQuery(u.searchParams), canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', stamp, scope, await sha256Hex(canonical)].join('\n');
  let key = await hmac(`AWS4${credentials.secretAccessKey}`, day);
  key = await hmac(key, region);
  key = await hmac(key, service);
  key = await hmac(key, 'aws4_request');
  const signature = hex(await hmac(key, stringToSign));
  const out = { ...headers, 'x-amz-date': stamp, 'x-amz-content-sha256': payloadHash, authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}` };
  if (credentials.sessionToken) out['x-amz-security-token'] = credentials.sessionToken;
  return out;
}

/** fetch, signed. `init.body` must be a string (or absent). */
export async function signedFetch(url, init = {}, credentials, region) {
  const method = init.method ?? 'GET';
  const headers = await signRequest({ url, method, headers: init.headers ?? {}, body: init.body ?? '', credentials, region });
  return fetch(url, { ...init, method, headers });
}
