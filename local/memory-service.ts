/**
 * A reference Memory Service (the seed's MEMORY_URL) for tests, the docs' generated examples and offline use:
 * the documented contract (docs/contracts.md §4) over an in-memory map, with a version check on PUT.
 *
 *   GET    /tenants/{tenant}/individuals/{id}/memory   200 { version, memory } · 404 { error }
 *   PUT    /tenants/{tenant}/individuals/{id}/memory   { expected_version, memory } → 200 { version } · 409 { version }
 *   DELETE /tenants/{tenant}/individuals/{id}/memory   204 · 404
 *
 * `failWith(status)` makes every request answer that status (e.g. 503), `failWith('reset')` drops connections:
 * the orchestrator's fallback to DynamoDB is tested against it.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the service received (for tests and the docs' examples). */
export interface MemoryServiceExchange {
  method: string;
  path: string;
  request: unknown;
  status: number;
  response: unknown;
}

export interface LocalMemoryService {
  url: string;
  records: Map<string, { version: number; memory: unknown }>;
  exchanges: MemoryServiceExchange[];
  failWith(mode: number | 'reset' | null): void;
  stop(): Promise<void>;
}

const PATH = /^\/tenants\/([^/]+)\/individuals\/([^/]+)\/memory$/;

/** Start the service on a free loopback port (or `port`). */
export async function startLocalMemoryService(options: { port?: number; host?: string } = {}): Promise<LocalMemoryService> {
  const records = new Map<string, { version: number; memory: unknown }>();
  const exchanges: MemoryServiceExchange[] = [];
  let failure: number | 'reset' | null = null;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0]!;
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = undefined;
      }
      const answer = (status: number, payload: unknown) => {
        exchanges.push({ method: req.method ?? '', path, request: body, status, response: payload });
        const out = payload === undefined ? '' : JSON.stringify(payload);
        res.writeHead(status, out ? { 'content-type': 'application/json' } : {});
        res.end(out);
      };
      if (failure === 'reset') {
        req.socket.destroy();
        return;
      }
      if (failure !== null) return answer(failure, { error: 'memory service unavailable' });
      const m = PATH.exec(path);
      if (!m) return answer(404, { error: `no route for ${req.method} ${path}` });
      const key = `${decodeURIComponent(m[1]!)}/${decodeURIComponent(m[2]!)}`;
      const stored = records.get(key);
      if (req.method === 'GET') return stored ? answer(200, stored) : answer(404, { error: 'unknown individual' });
      if (req.method === 'DELETE') {
        if (!stored) return answer(404, { error: 'unknown individual' });
        records.delete(key);
        return answer(204, undefined);
      }
      if (req.method === 'PUT') {
        const b = body as { expected_version?: unknown; memory?: unknown } | undefined;
        if (!b || typeof b !== 'object' || b.memory === undefined || (b.expected_version !== null && typeof b.expected_version !== 'number')) {
          return answer(400, { error: 'body must be { expected_version: number | null, memory: object }' });
        }
        const current = stored?.version ?? null;
        if (b.expected_version !== current) return answer(409, { version: current });
        const version = (current ?? 0) + 1;
        records.set(key, { version, memory: b.memory });
        return answer(200, { version });
      }
      return answer(405, { error: `method ${req.method} not allowed` });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    records,
    exchanges,
    failWith(mode) {
      failure = mode;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
