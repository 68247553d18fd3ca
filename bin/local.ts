#!/usr/bin/env node
/**
 * `npm start`: the whole system offline — synthesizes first when cdk.out is missing or stale, then runs
 * DynamoDB, Lambda, Step Functions and API Gateway emulators on this machine. Ctrl-C stops everything.
 *
 *   npm start -- --port 4000 --persist
 *   PORT=3000 (API), LOCAL_ENV=dev (which stack), LOCAL_HOST=127.0.0.1, LOCAL_QUIET=1 (hide function logs),
 *   LOCAL_DATA_DIR=<folder> or --persist (= .local-data/, git-ignored): keep DynamoDB data and dead letters
 *   between runs; by default everything is in memory and a restart starts clean.
 *   --workers N or LOCAL_WORKERS=N: up to N containers (worker threads, each with its own warm cache) per
 *   function, as Lambda runs several containers (default 1).
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSynth } from '../local/synth.js';
import { formatEvent } from '../local/eventbridge.js';
import { startLocalStack } from '../local/stack.js';
import { parseWorkers } from '../local/lambda-runtime.js';
import { templateAuthMode, templateTenants } from '../local/access.js';
import { LOCAL_IDENTITIES } from '../local/identities.js';
import type { LocalTemplate } from '../local/template.js';

/** The identities this stack accepts, as the README documents them. */
function describeAccess(template: LocalTemplate): string {
  if (templateAuthMode(template) === 'jwt') {
    return 'Authentication: auth=jwt — Authorization: Bearer <token>; `npm run token -- --tenant local --role client` prints one.';
  }
  const tenants = templateTenants(template);
  const rows = LOCAL_IDENTITIES.map((i) => {
    const entry = tenants[i.tenant];
    const mapped = entry && (i.role === 'client' ? entry.clients : entry.operators).includes(i.principalArn);
    return `  ${i.accessKeyId.padEnd(18)}${i.secretAccessKey.padEnd(26)}${i.tenant.padEnd(9)}${i.role.padEnd(10)}${mapped ? '' : '(not mapped in this template: 403)'}`;
  });
  return ['Authentication: auth=iam — SigV4 (service execute-api, region us-east-1) with a local identity:', `  ${'access key id'.padEnd(18)}${'secret'.padEnd(26)}${'tenant'.padEnd(9)}role`, ...rows].join('\n');
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const envName = flag('--env') ?? process.env.LOCAL_ENV ?? 'dev';
// --auth jwt: run the template synthesized with -c auth=jwt (its own cdk.out folder, so both stay fresh).
const authMode = flag('--auth') ?? process.env.LOCAL_AUTH ?? 'iam';
if (authMode !== 'iam' && authMode !== 'jwt') {
  console.error(`npm start: --auth must be iam or jwt, got ${authMode}`);
  process.exit(2);
}
const port = Number(flag('--port') ?? process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`npm start: the port must be an integer 0-65535, got ${flag('--port') ?? process.env.PORT}`);
  process.exit(2);
}
let workers: number;
try {
  workers = parseWorkers(flag('--workers') ?? process.env.LOCAL_WORKERS ?? 1, flag('--workers') !== undefined ? '--workers' : 'LOCAL_WORKERS');
} catch (err) {
  console.error(`npm start: ${(err as Error).message}`);
  process.exit(2);
}
const dataDir = args.includes('--persist')
  ? path.join(root, '.local-data')
  : process.env.LOCAL_DATA_DIR
    ? path.resolve(process.env.LOCAL_DATA_DIR)
    : undefined;

async function main(): Promise<void> {
  const synth = ensureSynth(root, authMode === 'jwt' ? { envName, context: { auth: 'jwt' }, outDir: 'cdk.out.jwt' } : { envName });
  console.log(synth.synthesized ? `synthesized ${path.relative(root, synth.templatePath)}` : `using ${path.relative(root, synth.templatePath)} (up to date)`);
  const stack = await startLocalStack({
    templatePath: synth.templatePath,
    host: process.env.LOCAL_HOST ?? '127.0.0.1',
    apiPort: port,
    dataDir,
    workers,
    silent: process.env.LOCAL_QUIET === '1',
    onRequest: (l) => console.log(`[api] ${l.method} ${l.path} → ${l.status} (${l.ms} ms)`),
    onDeadLetter: (d) => {
      const err = d.responsePayload as { errorType?: string };
      console.log(`[dlq] ${d.requestContext.functionArn.split(':')[6]} failed ${d.requestContext.approximateInvokeCount} times (${err.errorType ?? 'error'}); kept for replay`);
    },
    onEvent: (e) => console.log(formatEvent(e)),
    onExecution: (e) =>
      console.log(`[sfn] ${e.stateMachineArn.split(':').pop()} ${e.status} (${e.durationMs} ms)${e.error ? ` ${e.error}: ${e.cause?.slice(0, 500)}` : ''}`),
  });
  const fns = [...stack.template.functions.values()];
  console.log(`
Polaris Orchestrator — offline (${envName})
  API Gateway     ${stack.apiUrl}   ${[...new Set(stack.template.routes.map((r) => `${r.method} ${r.resourcePath}`))].join(' · ')}
  DynamoDB        ${stack.dynamo.endpoint}   table ${stack.tableName}${dataDir ? ` (data in ${path.relative(root, dataDir)}/)` : ' (in memory)'}
  Step Functions  ${stack.sfn.endpoint}   ${stack.template.stateMachines.map((m) => `${m.logicalId} [${m.type}]`).join(', ')}
  Lambda          ${stack.lambda.endpoint}   ${fns.length} functions (up to ${workers} container${workers === 1 ? '' : 's'} each): ${fns.map((f) => f.logicalId).join(', ')}
  EventBridge     ${stack.eventBridge.endpoint}   escalation events are printed as [events] lines

  Inspector       ${stack.apiUrl}/inspector/   (signs as the local operator)
  API reference   ${stack.apiUrl}/docs/   over ${stack.apiUrl}/openapi.json

${describeAccess(stack.template)}

Try:
  curl -s ${stack.apiUrl}/health
  curl -s -X POST ${stack.apiUrl}/orchestrate -H 'content-type: application/json' ${templateAuthMode(stack.template) === 'jwt' ? `-H "Authorization: Bearer $(npm run -s token -- --tenant local --role client)"` : `--aws-sigv4 "aws:amz:us-east-1:execute-api" --user polaris-local:polaris-local-secret`} -d '{"text":"I had oatmeal for breakfast and took my metformin","conversation_id":"demo-1","plan":"daily_checkin","services":["nutrition","medication"],"individual_id":"ind-1","user_profile_id":"prof-1","detected_agent":"general","agent_instance_id":"agent-1","call_log_id":"call-1"}'
Ctrl-C stops everything.`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the local stack…`);
    await stack.stop();
    console.log('stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(`npm start failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
