// One local Lambda "container": a worker thread with its function's own environment that loads the
// bundled asset the way the Lambda runtime does (import the module, call the exported handler).
import { parentPort, workerData } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import * as fs from 'node:fs';
import * as path from 'node:path';

const { assetDir, handler, functionName, functionArn, memoryMb, logGroupName } = workerData;
const [file, exportName] = handler.split('.');
const candidates = ['.mjs', '.js', '.cjs'].map((ext) => path.join(assetDir, file + ext));
const modulePath = candidates.find((c) => fs.existsSync(c));

let loaded;
async function load() {
  if (!loaded) {
    if (!modulePath) throw new Error(`handler module ${file} not found in ${assetDir}`);
    loaded = import(pathToFileURL(modulePath).href).then((m) => {
      const fn = m[exportName] ?? m.default?.[exportName];
      if (typeof fn !== 'function') throw new Error(`${handler} is not a function in ${modulePath}`);
      return fn;
    });
  }
  return loaded;
}

function serializeError(err) {
  return {
    errorType: err?.name ?? 'Error',
    errorMessage: err?.message ?? String(err),
    trace: typeof err?.stack === 'string' ? err.stack.split('\n').slice(0, 10) : [],
  };
}

parentPort.on('message', async (msg) => {
  if (msg.type !== 'invoke') return;
  const context = {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: msg.requestId,
    logGroupName,
    logStreamName: `local/${process.pid}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, msg.deadline - Date.now()),
    done() {},
    fail() {},
    succeed() {},
  };
  try {
    const fn = await load();
    const value = await fn(msg.event, context);
    parentPort.postMessage({ type: 'result', id: msg.id, ok: true, value: value === undefined ? null : value });
  } catch (err) {
    parentPort.postMessage({ type: 'result', id: msg.id, ok: false, error: serializeError(err) });
  }
});
parentPort.postMessage({ type: 'ready' });
