/**
 * MEMORY_URL end to end through the turn use case (orchestrateTurn with the DynamoDB conversation store on
 * dynalite, the reference agents, the memory writer's store): the local Memory Service is the system of
 * record; when it fails, turns still answer (no failed turn) and use the DynamoDB copy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynalite, newDocumentClient, type DynaliteHandle } from '../../support/dynalite.js';
import { DynamoConversationStore } from '../../../functions/adapters/dynamo-store.js';
import { DynamoIndividualMemory } from '../../../functions/adapters/individual-memory.js';
import { HttpAgentClient } from '../../../functions/adapters/http-agent-client.js';
import { HttpMemoryService } from '../../../functions/adapters/memory-service.js';
import { WarmCache } from '../../../functions/adapters/warm-cache.js';
import type { OrchestratorQuery } from '../../../functions/contracts/api.js';
import type { IndividualMemory } from '../../../functions/core/memory/schema.js';
import { PlanCatalogCheckpointSource } from '../../../functions/core/plans.js';
import { orchestrateTurn, type TurnDeps } from '../../../functions/orchestrate/turn.js';
import { startLocalMemoryService, type LocalMemoryService } from '../../../local/memory-service.js';
import { FixedClock, makeQuery } from '../../support/fakes.js';
import { MemoryDispatcher, ReferenceFanout } from '../../unit/memory/support.js';

let db: DynaliteHandle;
let svc: LocalMemoryService;
let memoryService: HttpMemoryService;

beforeAll(async () => {
  db = await startDynalite();
  svc = await startLocalMemoryService();
  memoryService = new HttpMemoryService({ baseUrl: svc.url, client: new HttpAgentClient({ baseDelayMs: 1 }), breaker: { failureThreshold: 10, coolDownMs: 60_000 } });
});
afterAll(async () => {
  memoryService.destroy();
  await svc.stop();
  await db.stop();
});

describe('MEMORY_URL through the turn use case', () => {
  it('the service is the system of record; when it fails, turns answer from the DynamoDB copy', async () => {
    const clock = new FixedClock(Date.now());
    const client = newDocumentClient(db.endpoint);
    const errors: string[] = [];
    // One "container" for the orchestrator, one for the memory writer (separate caches), one service.
    const memoryFor = () =>
      new DynamoIndividualMemory({ client, tableName: db.tableName, clock, cache: new WarmCache(), service: memoryService, onServiceError: (op) => errors.push(op) });
    const writer = memoryFor();
    const dispatcher = new MemoryDispatcher(writer);
    const deps: TurnDeps = {
      store: new DynamoConversationStore({ client, tableName: db.tableName, cache: new WarmCache(), retentionDays: 30, clock }),
      fanout: new ReferenceFanout(),
      dispatcher,
      checkpoints: new PlanCatalogCheckpointSource(),
      clock,
      config: { storeTurnText: false, turnBudgetMs: 25_000 },
      memory: memoryFor(),
    };
    const say = (q: Partial<OrchestratorQuery>) => {
      clock.advance(60_000);
      return orchestrateTurn(deps, makeQuery(q), { requestStartedAt: clock.now() });
    };
    const checkin = { individual_id: 'ind-url', conversation_id: 'url-checkin', plan: 'daily_checkin', services: ['medication', 'followup'] };
    await say({ ...checkin, text: 'I feel good today' });
    await say({ ...checkin, text: 'I took my metformin and I will walk around the lake after dinner' });
    await dispatcher.drain();
    const remote = svc.records.get('local/ind-url') as { memory: IndividualMemory };
    expect(remote.memory.medications.map((m) => m.name)).toEqual(['metformin']);

    const acct = await say({ individual_id: 'ind-url', conversation_id: 'url-acct', plan: 'accountability', detected_agent: 'accountability', text: 'Hi' });
    expect(acct.response.response).toContain('Last time you planned to walk around the lake after dinner — how did it go?');
    expect(errors).toEqual([]);

    svc.failWith(503);
    const meds = await say({ individual_id: 'ind-url', conversation_id: 'url-meds', plan: 'medication_adherence', text: 'Hello' });
    expect(meds.response.response).toContain('Are you still taking metformin?');
    const yes = await say({ individual_id: 'ind-url', conversation_id: 'url-meds', plan: 'medication_adherence', text: 'Yes, and I also take lisinopril 10 mg now' });
    expect(yes.response.checkpoint_progress['meds_list']).toBe(true);
    await dispatcher.drain();
    expect((await writer.read('ind-url', { fresh: true }))!.medications.map((m) => m.name).sort()).toEqual(['lisinopril', 'metformin']);
    expect(errors).toContain('read');
    expect(errors).toContain('write');
    // Learned during the outage: in the DynamoDB copy now, in the service after it recovers.
    svc.failWith(null);
    expect((svc.records.get('local/ind-url') as { memory: IndividualMemory }).memory.medications.map((m) => m.name)).toEqual(['metformin']);
    await say({ individual_id: 'ind-url', conversation_id: 'url-meds', plan: 'medication_adherence', text: 'No side effects at all' });
    await say({ individual_id: 'ind-url', conversation_id: 'url-meds', plan: 'medication_adherence', text: 'Plenty left. I will pick up my next refill on Monday' });
    await dispatcher.drain();
    const after = (svc.records.get('local/ind-url') as { memory: IndividualMemory }).memory;
    expect(after.medications.map((m) => m.name).sort()).toEqual(['lisinopril', 'metformin']);
  });
});
