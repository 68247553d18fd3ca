/**
 * Lambda's Invoke API for the local stack (`AWS_ENDPOINT_URL_LAMBDA`): RequestResponse answers with the
 * function's result (function errors as `X-Amz-Function-Error: Unhandled`, as in AWS); Event answers 202
 * and runs in the background with Lambda's async semantics — two retries, then the on-failure
 * destination record (the same shape Lambda sends to SQS) in the local dead-letter list (and
 * `<dataDir>/dead-letters.jsonl` when a data folder is set), so a failed job can be replayed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as http from 'node:http';
import { randomUUID } from 'node:crypto';
import { LambdaInvokeError, UnknownFunctionError, type LocalLambdaRuntime } from './lambda-runtime.js';
import { close, listen, readBody, sendJson } from './http-util.js';

export interface DeadLetter {
  version: '1.0';
  timestamp: string;
  requestContext: { requestId: string; functionArn: string; condition: 'RetriesExhausted'; approximateInvokeCount: number };
  requestPayload: unknown;
  responseContext: { statusCode: number; executedVersion: string; functionError: string };
  responsePayload: unknown;
}

export interface LocalLambda {
  endpoint: string;
  deadLetters: DeadLetter[];
  /** Resolves when every async invocation accepted so far has finished (tests). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export async function startLocalLambda(options: {
  port?: number;
  host?: string;
  runtime: LocalLambdaRuntime;
  dataDir?: string;
  /** Delays between async retries (AWS: about 1 and 2 minutes). */
  retryDelaysMs?: number[];
  /** Called when an async invocation lands in the dead-letter list. */
  onDeadLetter?: (record: DeadLetter) => void;
}): Promise<LocalLambda> {
  const runtime = options.runtime;
  const deadLetters: DeadLetter[] = [];
  const inflight = new Set<Promise<void>>();
  const delays = options.retryDelaysMs ?? [200, 400];

  const runAsync = async (name: string, payload: unknown, requestId: string): Promise<void> => {
    let last: unknown;
    for (let attempt = 0; attempt <= delays.length; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, delays[attempt - 1]));
      try {
        await runtime.invoke(name, payload);
        return;
      } catch (err) {
        last = err;
      }
    }
    const fn = runtime.resolve(name);
    const record: DeadLetter = {
      version: '1.0',
      timestamp: new Date().toISOString(),
      requestContext: { requestId, functionArn: `${fn.arn}:$LATEST`, condition: 'RetriesExhausted', approximateInvokeCount: delays.length + 1 },
      requestPayload: payload,
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      responsePayload: last instanceof LambdaInvokeError ? last.toPayload() : { errorType: 'Error', errorMessage: String(last) },
    };
    deadLetters.push(record);
    options.onDeadLetter?.(record);
    if (options.dataDir) {
      fs.mkdirSync(options.dataDir, { recursive: true });
      fs.appendFileSync(path.join(options.dataDir, 'dead-letters.jsonl'), `${JSON.stringify(record)}\n`);
    }
  };

  const server = http.createServer(async (req, res) => {
    const m = req.url?.match(/^\/2015-03-31\/functions\/([^/]+)\/invocations/);
    if (req.method !== 'POST' || !m) {
      return sendJson(res, 404, { Type: 'User', message: `the local Lambda serves Invoke only (${req.method} ${req.url})` });
    }
    const name = decodeURIComponent(m[1]!);
    const type = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    const requestId = randomUUID();
    try {
      runtime.resolve(name);
      const raw = (await readBody(req, 6 * 1024 * 1024)).toString('utf8');
      const payload = raw ? (JSON.parse(raw) as unknown) : {};
      if (type === 'Event') {
        const p = runAsync(name, payload, requestId).finally(() => inflight.delete(p));
        inflight.add(p);
        res.writeHead(202, { 'x-amzn-requestid': requestId, 'content-length': 0 });
        return res.end();
      }
      if (type === 'DryRun') {
        res.writeHead(204, { 'x-amzn-requestid': requestId });
        return res.end();
      }
      try {
        const out = await runtime.invoke(name, payload);
        sendJson(res, 200, out ?? null, { 'x-amzn-requestid': requestId, 'x-amz-executed-version': '$LATEST' });
      } catch (err) {
        const body = err instanceof LambdaInvokeError ? err.toPayload() : { errorType: 'Error', errorMessage: String(err) };
        sendJson(res, 200, body, { 'x-amzn-requestid': requestId, 'x-amz-function-error': 'Unhandled' });
      }
    } catch (err) {
      if (err instanceof UnknownFunctionError) {
        return sendJson(res, 404, { Type: 'User', message: err.message }, { 'x-amzn-errortype': 'ResourceNotFoundException' });
      }
      sendJson(res, 400, { Type: 'User', message: (err as Error).message }, { 'x-amzn-errortype': 'InvalidRequestContentException' });
    }
  });
  const host = options.host ?? '127.0.0.1';
  const port = await listen(server, options.port ?? 0, host);
  return {
    endpoint: `http://${host}:${port}`,
    deadLetters,
    idle: async () => {
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
    },
    stop: () => close(server),
  };
}
