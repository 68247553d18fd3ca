/** In-process pieces for memory tests: the reference agents as a fan-out, an in-memory memory store, a writer queue. */
import type { AgentOutput, AgentResult, AgentTurnInput, ResponderName } from '../../../functions/contracts/agent.js';
import { REFERENCE_AGENTS, REFERENCE_RESPONDERS } from '../../../functions/agents/index.js';
import { loadRegistry, selectAgents, topologicalLevels } from '../../../functions/core/agent-graph.js';
import { applyFacts } from '../../../functions/core/memory/merge.js';
import type { IndividualMemoryStore } from '../../../functions/core/memory/ports.js';
import type { IndividualMemory, MemoryWriteRequest } from '../../../functions/core/memory/schema.js';
import type { AgentFanout, AgentSelection, FanoutResult } from '../../../functions/core/ports.js';
import { RecordingDispatcher } from '../../support/fakes.js';

const registry = loadRegistry({ env: {} });

/** Runs the registry's graph with the reference agents, level by level, then the responder. */
export class ReferenceFanout implements AgentFanout {
  readonly inputs: AgentTurnInput[] = [];
  async select(services: string[]): Promise<AgentSelection> {
    const s = selectAgents(registry, services);
    return { run: s.run, circuit_open: [], async: s.async };
  }
  async run(args: { input: AgentTurnInput; selection: AgentSelection; responder: ResponderName }): Promise<FanoutResult> {
    this.inputs.push(structuredClone(args.input));
    const outputs: Record<string, AgentOutput> = {};
    const agents: Record<string, AgentResult> = {};
    for (const level of topologicalLevels(registry, args.selection.run)) {
      for (const name of level) {
        const cfg = registry.agents[name]!;
        const dependencies = Object.fromEntries([...cfg.dependencies, ...cfg.after].filter((d) => outputs[d]).map((d) => [d, outputs[d]!]));
        const output = REFERENCE_AGENTS[name]!({ ...args.input, agent: name, dependencies });
        outputs[name] = output;
        agents[name] = { agent: name, status: output.status, latency_ms: 1, output };
      }
    }
    const output = REFERENCE_RESPONDERS[args.responder]({ ...args.input, responder: args.responder, agent_results: outputs });
    return { agents, responder: { name: args.responder, status: 'ok', latency_ms: 1, output }, duration_ms: 2 };
  }
}

/** IndividualMemoryStore in memory (the merge logic is the real one). */
export class InMemoryIndividualMemory implements IndividualMemoryStore {
  readonly records = new Map<string, IndividualMemory>();
  readonly reads: Array<{ individual: string; fresh: boolean }> = [];
  fail = false;
  async read(individualId: string, options: { fresh?: boolean } = {}): Promise<IndividualMemory | null> {
    this.reads.push({ individual: individualId, fresh: options.fresh === true });
    if (this.fail) throw new Error('memory down');
    return structuredClone(this.records.get(individualId) ?? null);
  }
  async apply(request: MemoryWriteRequest): Promise<{ applied: boolean; memory: IndividualMemory | null }> {
    const next = applyFacts(this.records.get(request.individual_id) ?? null, request);
    if (next !== null) this.records.set(request.individual_id, next);
    return { applied: next !== null, memory: next };
  }
  async erase(individualId: string): Promise<void> {
    this.records.delete(individualId);
  }
}

/** A dispatcher whose memory writes queue until `drain()` applies them (the async writer). */
export class MemoryDispatcher extends RecordingDispatcher {
  readonly writes: MemoryWriteRequest[] = [];
  constructor(private readonly memory: IndividualMemoryStore) {
    super();
  }
  async writeMemory(request: MemoryWriteRequest): Promise<void> {
    this.writes.push(structuredClone(request));
  }
  async drain(): Promise<void> {
    for (const w of this.writes.splice(0)) await this.memory.apply(w);
  }
}
