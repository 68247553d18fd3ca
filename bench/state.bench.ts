/**
 * State-layer benchmark: a 100-turn conversation through DynamoConversationStore on an in-process dynalite.
 *   warm  one container: the warm cache serves every read after the first turn.
 *   cold  a fresh container (empty cache) for every turn: each turn reads the table first.
 *   full-write baseline  what a naive store does (read the item, PutItem the whole state): shows what dirty
 *         tracking saves.
 * Reports DynamoDB requests, request bytes and capacity units per turn, the warm-cache hit rate, and the
 * ratios warm/cold and incremental/full measured in the same run. Run: `npx tsx bench/state.bench.ts`.
 * Latencies are printed for orientation only (dynalite on a shared machine is not DynamoDB).
 * Capacity units are dynalite's figures. Note that DynamoDB bills an UpdateItem by the size of the whole
 * item (the larger of before/after), so dirty tracking saves request bytes and avoids overwriting fields
 * another writer owns, not write units; the write units are kept flat by keeping the item bounded.
 */
import { pathToFileURL } from 'node:url';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { startDynalite, newDocumentClient } from '../test/support/dynalite.js';
import { DynamoConversationStore, conversationPk, instrumentClient, totalRequests } from '../functions/adapters/dynamo-store.js';
import { DEFAULT_TENANT } from '../functions/adapters/keys.js';
import { WarmCache } from '../functions/adapters/warm-cache.js';
import { applyTurn, makeState, ManualClock, turnRecord } from '../test/integration/store/helpers.js';

/** Per-turn figures of one scenario. */
export interface StateScenarioResult {
  turns: number;
  requests_per_turn: number;
  request_bytes_per_turn: number;
  /** Bytes of the state write (incremental UpdateItem, or the baseline's full PutItem) per turn. */
  state_write_bytes_per_turn: number;
  /** Bytes of the TURN item put per turn (0 in the baseline, which keeps no turn log). */
  turn_item_bytes_per_turn: number;
  requests_by_operation: Record<string, number>;
  write_capacity_units_per_turn: number;
  read_capacity_units_per_turn: number;
  ms_per_turn: number;
  cache_hit_rate: number | null;
}

/** What `run()` returns (and the script prints as JSON). */
export interface StateBenchSummary {
  name: 'state';
  turns: number;
  warm: StateScenarioResult;
  cold: StateScenarioResult;
  full_write_baseline: StateScenarioResult;
  ratios: {
    /** warm / cold requests per turn (< 1: the cache saves reads). */
    warm_vs_cold_requests: number;
    warm_vs_cold_bytes: number;
    /** incremental UpdateItem / full PutItem bytes of the state write (< 1: dirty tracking saves bytes). */
    incremental_vs_full_state_write_bytes: number;
  };
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Run the three scenarios on one dynalite and return the summary. */
export async function run(options: { turns?: number } = {}): Promise<StateBenchSummary> {
  const turns = options.turns ?? 100;
  const db = await startDynalite({ tableName: 'polaris-bench' });
  const clock = new ManualClock();
  try {
    const scenario = async (
      kind: 'warm' | 'cold' | 'full',
      conversationId: string,
    ): Promise<StateScenarioResult> => {
      const client = newDocumentClient(db.endpoint);
      const counters = instrumentClient(client);
      const warmCache = new WarmCache();
      const store = () =>
        new DynamoConversationStore({
          client,
          tableName: db.tableName,
          cache: kind === 'cold' ? new WarmCache() : warmCache,
          retentionDays: 30,
          clock,
        });
      const warmStore = store();
      const started = performance.now();
      let coldHits = 0;
      let coldAsks = 0;
      for (let t = 1; t <= turns; t++) {
        clock.ms += 1000;
        if (kind === 'full') {
          // Naive baseline: read the whole item, write the whole item back (no condition, no turn item).
          const got = await client.send(
            new GetCommand({ TableName: db.tableName, Key: { pk: conversationPk(DEFAULT_TENANT, conversationId), sk: 'STATE' }, ReturnConsumedCapacity: 'TOTAL' }),
          );
          counters.readCapacityUnits += got.ConsumedCapacity?.CapacityUnits ?? 0;
          const base = got.Item ? (got.Item as ReturnType<typeof makeState>) : makeState(conversationId);
          const next = applyTurn(base, `message ${t}`);
          const put = await client.send(
            new PutCommand({
              TableName: db.tableName,
              Item: { ...next, pk: conversationPk(DEFAULT_TENANT, conversationId), sk: 'STATE' },
              ReturnConsumedCapacity: 'TOTAL',
            }),
          );
          counters.writeCapacityUnits += put.ConsumedCapacity?.CapacityUnits ?? 0;
          continue;
        }
        const s = kind === 'warm' ? warmStore : store();
        const read = await s.get(conversationId, { consistent: true });
        const next = applyTurn(read ? read.state : makeState(conversationId), `message ${t}`);
        await s.commitTurn({ previous: read, next, turn: turnRecord(next) });
        if (kind === 'cold') {
          const st = (s as unknown as { cache: WarmCache }).cache.stats().kinds.state;
          coldHits += st.hits;
          coldAsks += st.hits + st.misses;
        }
      }
      const elapsed = performance.now() - started;
      const total = totalRequests(counters);
      const stateStats = warmCache.stats().kinds.state;
      const hitRate =
        kind === 'full' ? null : kind === 'warm' ? stateStats.hit_rate : coldAsks === 0 ? 0 : coldHits / coldAsks;
      client.destroy();
      return {
        turns,
        requests_per_turn: round(total.requests / turns),
        request_bytes_per_turn: Math.round(total.bytes / turns),
        // Reads of the state item are GetItem; everything else on STATE is the state write.
        state_write_bytes_per_turn: Math.round((counters.requestBytesByItem.state - (counters.requestBytes['GetItem'] ?? 0)) / turns),
        turn_item_bytes_per_turn: Math.round(counters.requestBytesByItem.turn / turns),
        requests_by_operation: { ...counters.requests },
        write_capacity_units_per_turn: round(counters.writeCapacityUnits / turns),
        read_capacity_units_per_turn: round(counters.readCapacityUnits / turns),
        ms_per_turn: round(elapsed / turns),
        cache_hit_rate: hitRate === null ? null : round(hitRate, 3),
      };
    };
    const warm = await scenario('warm', 'bench-warm');
    const cold = await scenario('cold', 'bench-cold');
    const full = await scenario('full', 'bench-full');
    return {
      name: 'state',
      turns,
      warm,
      cold,
      full_write_baseline: full,
      ratios: {
        warm_vs_cold_requests: round(warm.requests_per_turn / cold.requests_per_turn, 3),
        warm_vs_cold_bytes: round(warm.request_bytes_per_turn / cold.request_bytes_per_turn, 3),
        incremental_vs_full_state_write_bytes: round(warm.state_write_bytes_per_turn / full.state_write_bytes_per_turn, 3),
      },
    };
  } finally {
    await db.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const summary = await run();
  console.log(JSON.stringify(summary, null, 2));
}
