/**
 * The registry's agent graph run in-process with the reference agents and responders (no workflow, no
 * AWS): agents in topological levels with their dependencies' outputs, then the routed responder — what the
 * Step Functions workflow does, for engine-level tests of real conversations.
 */
import type { AgentOutput, AgentResult, AgentTurnInput, ResponderName } from '../../functions/contracts/agent.js';
import { REFERENCE_AGENTS, REFERENCE_RESPONDERS } from '../../functions/agents/index.js';
import { loadRegistry, selectAgents, topologicalLevels } from '../../functions/core/agent-graph.js';
import type { AgentFanout, AgentSelection, FanoutResult } from '../../functions/core/ports.js';

export const referenceRegistry = loadRegistry({ env: {} });

/** Runs the registry's graph with the reference agents, in topological levels, then the responder. */
export class ReferenceFanout implements AgentFanout {
  readonly ran: string[][] = [];
  async select(services: string[]): Promise<AgentSelection> {
    const s = selectAgents(referenceRegistry, services);
    return { run: s.run, circuit_open: [], async: s.async };
  }
  async run(args: { input: AgentTurnInput; selection: AgentSelection; responder: ResponderName }): Promise<FanoutResult> {
    const outputs: Record<string, AgentOutput> = {};
    const agents: Record<string, AgentResult> = {};
    for (const level of topologicalLevels(referenceRegistry, args.selection.run)) {
      for (const name of level) {
        const cfg = referenceRegistry.agents[name]!;
        const dependencies = Object.fromEntries([...cfg.dependencies, ...cfg.after].filter((d) => outputs[d]).map((d) => [d, outputs[d]!]));
        // Like the workflow, a throwing agent degrades the turn (status error) instead of failing it.
        try {
          const output = REFERENCE_AGENTS[name]!({ ...args.input, agent: name, dependencies });
          outputs[name] = output;
          agents[name] = { agent: name, status: output.status, latency_ms: 1, output };
        } catch (err) {
          agents[name] = { agent: name, status: 'error', latency_ms: 1, error: { type: 'AgentError', message: String(err).slice(0, 500) } };
        }
      }
    }
    this.ran.push(Object.keys(agents).sort());
    try {
      const output = REFERENCE_RESPONDERS[args.responder]({ ...args.input, responder: args.responder, agent_results: outputs });
      return { agents, responder: { name: args.responder, status: 'ok', latency_ms: 1, output }, duration_ms: 2 };
    } catch {
      return { agents, responder: { name: args.responder, status: 'error', latency_ms: 1 }, duration_ms: 2 };
    }
  }
}
