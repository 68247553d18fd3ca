/**
 * memory-writer Lambda (issue #16): invoked asynchronously after each committed turn that taught something,
 * with that turn's structured facts (MemoryWriteRequest — never the user's text). Applies them to the
 * individual's memory: idempotent per (conversation, turn), version-conditioned and retried on conflict, on the
 * Memory Service when MEMORY_URL is set (DynamoDB as fallback and cache). A failure throws, so Lambda retries
 * the event and finally sends it to the dead-letter queue: nothing is lost.
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import type { IndividualMemoryStore } from '../core/memory/ports.js';
import { MemoryWriteRequestSchema } from '../core/memory/schema.js';
import { getIndividualMemory } from '../adapters/memory-wiring.js';

/** The event is not a MemoryWriteRequest; names the failing fields (paths only: values may be health data). */
export class InvalidMemoryWriteError extends Error {
  override readonly name = 'InvalidMemoryWriteError';
  constructor(readonly fields: string[]) {
    super(`invalid memory write request: ${fields.join(', ')}`);
  }
}

export interface MemoryWriterDeps {
  storeFor: (tenant: string) => IndividualMemoryStore;
  logger?: Logger;
}

/** Validate and apply one event. Returns whether the facts were new. */
export async function processMemoryWrite(event: unknown, deps: MemoryWriterDeps): Promise<{ applied: boolean }> {
  const parsed = MemoryWriteRequestSchema.safeParse(event);
  if (!parsed.success) throw new InvalidMemoryWriteError(parsed.error.issues.slice(0, 20).map((i) => i.path.join('.') || '(event)'));
  const { applied } = await deps.storeFor(parsed.data.tenant).apply(parsed.data);
  return { applied };
}

/** Builds the middy handler (Powertools logger: ids, statuses and timings only). */
export function createMemoryWriterHandler(deps: MemoryWriterDeps) {
  const logger = deps.logger ?? new Logger({ serviceName: 'memory-writer' });
  return middy<unknown, { applied: boolean }>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event: unknown, _context: Context) => {
      const started = performance.now();
      const obj = typeof event === 'object' && event !== null ? (event as Record<string, unknown>) : {};
      const ids = { conversation_id: obj['conversation_id'], individual_id: obj['individual_id'], turn: obj['turn'] };
      try {
        const out = await processMemoryWrite(event, deps);
        logger.info('memory written', { ...ids, applied: out.applied, duration_ms: Math.round(performance.now() - started) });
        return out;
      } catch (error) {
        logger.warn('memory write failed', { ...ids, error: error instanceof Error ? error.name : 'Error' });
        throw error;
      }
    });
}

const logger = new Logger({ serviceName: 'memory-writer' });

/** The deployed handler. */
export const handler = createMemoryWriterHandler({
  logger,
  storeFor: (tenant) => getIndividualMemory(tenant, (operation, error) => logger.warn('memory service failed; DynamoDB used', { operation, error: error instanceof Error ? error.name : 'unknown' })),
});
