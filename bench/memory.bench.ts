/**
 * Memory-read benchmark (issue #16): DynamoDB requests per turn of the turn use case (orchestrateTurn with the
 * DynamoDB conversation store on dynalite, scripted agents), with and without individual memory, measured in
 * the same run. Memory must add at most one request to a conversation's first turn and none to a warm turn.
 *   baseline  no memory store: what a turn costs today
 *   memory    the DynamoDB memory store behind the same warm cache, the individual known from an earlier
 *             conversation (so the read returns a record)
 * A fresh container (empty cache) per conversation's first turn, the same container for its later turns.
 * Run: `npx tsx bench/memory.bench.ts`.
 */
import { pathToFileURL } from 'node:url';
import { startDynalite, newDocumentClient } from '../test/support/dynalite.js';
import { DynamoConversationStore, instrumentClient, totalRequests } from '../functions/adapters/dynamo-store.js';
import { DynamoIndividualMemory } from '../functions/adapters/individual-memory.js';
import { WarmCache } from '../functions/adapters/warm-cache.js';
import { PlanCatalogCheckpointSource } from '../functions/core/plans.js';
import { orchestrateTurn, type TurnDeps } from '../functions/orchestrate/turn.js';
import { FakeFanout, FixedClock, makeQuery, RecordingDispatcher } from '../test/support/fakes.js';

export interface MemoryScenario {
  conversations: number;
  turns_per_conversation: number;
  /** DynamoDB requests of a conversation's first turn (fresh container). */
  first_turn_requests: number;
  /** DynamoDB requests of a later turn (warm container), averaged. */
  warm_turn_requests: number;
  memory_reads_first_turn: number;
  memory_reads_warm_turn: number;
}

export interface MemoryBenchSummary {
  name: 'memory';
  baseline: MemoryScenario;
  memory: MemoryScenario;
  /** memory − baseline, requests per turn: the bound is ≤ 1 on a first turn and 0 on a warm one. */
  extra_requests: { first_turn: number; warm_turn: number };
  /** memory / baseline requests per turn. */
  ratios: { first_turn: number; warm_turn: number };
}

const round = (n: number) => Math.round(n * 100) / 100;

export async function run(options: { conversations?: number; turns?: number } = {}): Promise<MemoryBenchSummary> {
  const conversations = options.conversations ?? 10;
  const turns = options.turns ?? 10;
  const db = await startDynalite({ tableName: 'polaris-bench-memory' });
  try {
    // The individual is known: an earlier conversation taught a commitment and a medication.
    const seed = new DynamoIndividualMemory({ client: newDocumentClient(db.endpoint), tableName: db.tableName, clock: { now: () => Date.now() } });
    await seed.apply({
      contract_version: 1, tenant: 'local', individual_id: 'ind-bench', conversation_id: 'earlier', plan: 'daily_checkin', turn: 1,
      at: '2026-11-20T09:00:00.000Z', facts: { commitments: [{ text: 'walk around the lake after dinner' }], medications: [{ name: 'metformin', status: 'active' }] },
    });

    const scenario = async (withMemory: boolean): Promise<MemoryScenario> => {
      // The memory store has its own client, so its requests are counted apart from the conversation's.
      const client = newDocumentClient(db.endpoint);
      const memoryClient = newDocumentClient(db.endpoint);
      const counters = instrumentClient(client);
      const memoryCounters = instrumentClient(memoryClient);
      const clock = new FixedClock(Date.parse('2026-11-24T09:00:00.000Z'));
      const sums = { first: 0, warm: 0, memoryFirst: 0, memoryWarm: 0 };
      for (let c = 0; c < conversations; c++) {
        const cache = new WarmCache({ now: () => clock.now() }); // a fresh container per conversation
        const memory = new DynamoIndividualMemory({ client: memoryClient, tableName: db.tableName, cache, clock });
        const deps: TurnDeps = {
          store: new DynamoConversationStore({ client, tableName: db.tableName, cache, retentionDays: 30, clock }),
          fanout: new FakeFanout(),
          dispatcher: new RecordingDispatcher(),
          checkpoints: new PlanCatalogCheckpointSource(),
          clock,
          config: { storeTurnText: false, turnBudgetMs: 25_000 },
          ...(withMemory ? { memory } : {}),
        };
        for (let t = 0; t < turns; t++) {
          clock.advance(1000);
          const before = totalRequests(counters).requests;
          const memoryBefore = totalRequests(memoryCounters).requests;
          await orchestrateTurn(
            deps,
            makeQuery({ individual_id: 'ind-bench', conversation_id: `${withMemory ? 'm' : 'b'}-${c}`, plan: 'accountability', detected_agent: 'accountability', text: 'I did it' }),
            { requestStartedAt: clock.now() },
          );
          const memoryUsed = totalRequests(memoryCounters).requests - memoryBefore;
          const used = totalRequests(counters).requests - before + memoryUsed;
          if (t === 0) {
            sums.first += used;
            sums.memoryFirst += memoryUsed;
          } else {
            sums.warm += used;
            sums.memoryWarm += memoryUsed;
          }
        }
      }
      const later = conversations * (turns - 1);
      return {
        conversations,
        turns_per_conversation: turns,
        first_turn_requests: round(sums.first / conversations),
        warm_turn_requests: round(sums.warm / later),
        memory_reads_first_turn: round(sums.memoryFirst / conversations),
        memory_reads_warm_turn: round(sums.memoryWarm / later),
      };
    };

    const baseline = await scenario(false);
    const memory = await scenario(true);
    return {
      name: 'memory',
      baseline,
      memory,
      extra_requests: {
        first_turn: round(memory.first_turn_requests - baseline.first_turn_requests),
        warm_turn: round(memory.warm_turn_requests - baseline.warm_turn_requests),
      },
      ratios: {
        first_turn: round(memory.first_turn_requests / baseline.first_turn_requests),
        warm_turn: round(memory.warm_turn_requests / baseline.warm_turn_requests),
      },
    };
  } finally {
    await db.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await run(), null, 2));
}
