/**
 * checkpoint-generator Lambda (async, invoked with InvocationType=Event after a turn is committed).
 * Proposes the next checkpoints — built-in generator from the plan catalog, or the external CHECKPOINT_URL
 * service — and merges them into the stored conversation with a version-conditioned write that re-reads
 * and retries on conflict. Any failure is thrown: Lambda retries twice, then the on-failure destination
 * (the SQS DLQ) keeps the full request so the generation can be replayed.
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { CheckpointGenerationRequestSchema, type CheckpointGenerationOutput, type CheckpointGenerationRequest } from '../contracts/agent.js';
import { getPlan } from '../core/plans.js';
import { mergeGeneratedCheckpoints } from '../core/task-stack.js';
import type { ConversationStore } from '../core/ports.js';
import { generate } from '../agents/checkpoint-generator.js';
import { HttpCheckpointService } from '../adapters/checkpoint-service.js';
import { getConversationStore, getTenantConversationStore } from '../adapters/conversation-store.js';
import { tenantOfEvent } from '../adapters/tenant-of-event.js';

/** The event is not a checkpoint generation request; names the bad fields. Not retryable in spirit. */
export class InvalidGenerationRequestError extends Error {
  override readonly name = 'InvalidGenerationRequestError';
}

export interface GeneratorDeps {
  store: ConversationStore;
  /** External generator (CHECKPOINT_URL); absent = the built-in one. */
  external?: HttpCheckpointService;
}

export interface GenerationResult {
  conversation_id: string;
  task_id: string;
  proposed: number;
  merged: boolean;
  version: number | null;
}

/** Generate and merge; exported for tests and the local stack. */
export async function generateAndMerge(deps: GeneratorDeps, event: unknown): Promise<GenerationResult> {
  const parsed = CheckpointGenerationRequestSchema.safeParse(event);
  if (!parsed.success) {
    throw new InvalidGenerationRequestError(
      `invalid checkpoint generation request: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`).join('; ')}`,
    );
  }
  const request: CheckpointGenerationRequest = parsed.data;
  let output: CheckpointGenerationOutput;
  let source: 'generated' | 'external';
  if (deps.external) {
    output = await deps.external.next(request);
    source = 'external';
  } else {
    const plan = getPlan(request.plan);
    output = plan ? generate(request, plan) : { task_id: request.task_id, checkpoints: [] };
    source = 'generated';
  }
  if (output.checkpoints.length === 0) {
    return { conversation_id: request.conversation_id, task_id: request.task_id, proposed: 0, merged: false, version: null };
  }
  let changed = false;
  const stored = await deps.store.update(request.conversation_id, (state) => {
    const next = mergeGeneratedCheckpoints(state, output.task_id, output.checkpoints, source);
    changed = next !== null;
    return next;
  });
  return {
    conversation_id: request.conversation_id,
    task_id: request.task_id,
    proposed: output.checkpoints.length,
    merged: changed,
    version: stored?.version ?? null,
  };
}

const logger = new Logger({ serviceName: 'checkpoint-generator' });
let deps: GeneratorDeps | undefined;

export const handler = middy<unknown, GenerationResult>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event: unknown, _context: Context) => {
    deps ??= {
      store: getConversationStore(),
      external: process.env.CHECKPOINT_URL ? new HttpCheckpointService(process.env.CHECKPOINT_URL) : undefined,
    };
    // The orchestrator adds the turn's tenant to the payload; the merge goes to that tenant's conversation.
    const result = await generateAndMerge({ ...deps, store: getTenantConversationStore(tenantOfEvent(event)) }, event);
    logger.info('checkpoints generated', { ...result });
    return result;
  });
