/**
 * The offline front door's static pages, served by the local API front before route matching (they are not
 * API Gateway routes: in AWS they are a static site, see the README):
 *
 *   /docs        the API reference: swagger-ui-dist (served from node_modules, no CDN) over /openapi.json;
 *                "Try it out" signs requests in the page with the documented local client identity
 *   /inspector   the conversation inspector (local/web/inspector), signing in the page as the documented
 *                local operator; /inspector/config.json names that identity — offline only: a deployed copy
 *                of the page has no config.json and asks the operator for the API URL and credentials
 *
 * Files are read from fixed folders by name (no path traversal); everything is served with a strict CSP.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as http from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { localIdentity } from './identities.js';

const WEB = path.join(path.dirname(fileURLToPath(import.meta.url)), 'web');
const SWAGGER = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
};

/** Which file each public path is (nothing else is served). */
function fileFor(urlPath: string): string | undefined {
  const name = (p: string) => (/^[A-Za-z0-9._-]+$/.test(p) && !p.startsWith('.') ? p : undefined);
  if (urlPath === '/docs/') return path.join(WEB, 'docs', 'index.html');
  if (urlPath === '/inspector/') return path.join(WEB, 'inspector', 'index.html');
  const m = /^\/(docs|inspector)\/([^/]+)$/.exec(urlPath);
  if (!m) return undefined;
  const file = name(m[2]!);
  if (!file) return undefined;
  if (file === 'sigv4.js') return path.join(WEB, 'sigv4.js');
  if (m[1] === 'docs' && ['swagger-ui-bundle.js', 'swagger-ui.css', 'favicon-32x32.png'].includes(file)) return path.join(SWAGGER, file);
  const own = path.join(WEB, m[1]!, file);
  return fs.existsSync(own) ? own : undefined;
}

const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/** Options of the static site. */
export interface FrontDoorOptions {
  /** Identity the inspector signs with offline (default the documented operator). */
  operatorIdentity?: string;
  /** Identity the API reference's "Try it out" signs with (default the documented client). */
  clientIdentity?: string;
  region?: string;
}

/** A request handler for the static pages: true when it answered. */
export function frontDoorSite(options: FrontDoorOptions = {}): (req: http.IncomingMessage, res: http.ServerResponse, urlPath: string) => boolean {
  const region = options.region ?? 'us-east-1';
  const config = (identityName: string, label: string) => {
    const id = localIdentity(identityName);
    if (!id) throw new Error(`unknown local identity ${identityName}`);
    // Offline only: the documented local identity (its secret is public, it opens a stack on this machine).
    return JSON.stringify({ region, label, credentials: { accessKeyId: id.accessKeyId, secretAccessKey: id.secretAccessKey } });
  };
  return (req, res, urlPath) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (urlPath === '/docs' || urlPath === '/inspector') {
      // The pages load their files relative to the folder: /inspector → /inspector/.
      res.writeHead(302, { location: `${urlPath}/${(req.url ?? '').includes('?') ? (req.url ?? '').slice((req.url ?? '').indexOf('?')) : ''}`, 'content-length': 0 });
      res.end();
      return true;
    }
    let body: Buffer | string;
    let type: string;
    if (urlPath === '/inspector/config.json') {
      body = config(options.operatorIdentity ?? 'polaris-operator', `${options.operatorIdentity ?? 'polaris-operator'} (local operator)`);
      type = TYPES['.json']!;
    } else if (urlPath === '/docs/config.json') {
      body = config(options.clientIdentity ?? 'polaris-local', `${options.clientIdentity ?? 'polaris-local'} (local client)`);
      type = TYPES['.json']!;
    } else {
      const file = fileFor(urlPath);
      if (!file) return false;
      body = fs.readFileSync(file);
      type = TYPES[path.extname(file)] ?? 'application/octet-stream';
    }
    res.writeHead(200, {
      'content-type': type,
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-cache',
      'x-content-type-options': 'nosniff',
      'content-security-policy': CSP,
      'referrer-policy': 'no-referrer',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}
