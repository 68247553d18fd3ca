/** Starts the offline stack from the synthesized template on free loopback ports, for e2e tests. */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureSynth } from '../../local/synth.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export async function startTestStack(
  extraEnv: Record<string, string> = {},
  options: { workers?: number } = {},
): Promise<{ stack: LocalStack; doc: DynamoDBDocumentClient }> {
  const { templatePath } = ensureSynth(ROOT, { envName: 'dev', quiet: true });
  const stack = await startLocalStack({
    templatePath,
    apiPort: 0,
    silent: true,
    extraEnv: { POWERTOOLS_LOG_LEVEL: 'ERROR', ...extraEnv },
    ...(options.workers !== undefined ? { workers: options.workers } : {}),
  });
  const doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: stack.dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  );
  return { stack, doc };
}

/** A valid turn body; override any field. */
export function turnBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    text: 'Good morning! I feel good today.',
    conversation_id: 'e2e-conv-1',
    plan: 'daily_checkin',
    services: ['nutrition'],
    individual_id: 'ind-001',
    user_profile_id: 'prof-001',
    detected_agent: 'general',
    agent_instance_id: 'agent-001',
    call_log_id: 'call-001',
    ...overrides,
  };
}
