/**
 * What the engine needs from the individual-memory adapters (issue #16). Implemented by
 * adapters/individual-memory.ts (DynamoDB, optionally behind an external Memory Service); in-memory in tests.
 */
import type { IndividualMemory, MemoryWriteRequest } from './schema.js';

/** Reads and writes one tenant's individual memory. */
export interface IndividualMemoryStore {
  /**
   * The individual's record, or null when nothing is known. `fresh` skips the warm cache (a conversation's
   * first turn: memory written after an earlier conversation must be seen); otherwise a cached copy younger
   * than the context TTL (5 min) is used.
   */
  read(individualId: string, options?: { fresh?: boolean }): Promise<IndividualMemory | null>;
  /** Apply one turn's facts (idempotent per (conversation, turn), version-conditioned, retried on conflict). */
  apply(request: MemoryWriteRequest): Promise<{ applied: boolean; memory: IndividualMemory | null }>;
  /** Remove everything remembered about the individual (erasure). */
  erase(individualId: string): Promise<void>;
}
