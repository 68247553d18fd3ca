/**
 * The API reference (swagger-ui-dist, served locally) over /openapi.json. "Try it out" sends requests
 * signed in the page (../sigv4.js) with the identity config.json names: offline, the documented local
 * client; operator routes need the operator identity (the inspector uses it) and answer 403 otherwise.
 */
import { signRequest } from './sigv4.js';

let config = null;
try {
  const res = await fetch('config.json', { cache: 'no-store' });
  if (res.ok) config = await res.json();
} catch {
  // A static copy without config: requests go unsigned (only /health answers; the document needs a signature too).
}

window.SwaggerUIBundle({
  url: `${location.origin}/openapi.json`,
  dom_id: '#reference',
  deepLinking: true,
  validatorUrl: null,
  tryItOutEnabled: false,
  requestInterceptor: async (req) => {
    // Every route but /health is authenticated (the document included): sign everything we can.
    if (!config) return req;
    const url = new URL(req.url, location.href).toString();
    const headers = {};
    for (const [k, v] of Object.entries(req.headers ?? {})) if (k.toLowerCase() !== 'accept') headers[k.toLowerCase()] = v;
    const body = typeof req.body === 'string' ? req.body : '';
    req.headers = await signRequest({ url, method: req.method, headers, body, credentials: config.credentials, region: config.region });
    return req;
  },
});
