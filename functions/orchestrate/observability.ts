/**
 * What the orchestrate function publishes for operations, in one place: the CloudWatch metric names the
 * dashboard and alarms read (lib/constructs/alarms.ts imports {@link TURN_METRICS}), per-agent metrics of a
 * turn, and the request id every error body carries (the same id as the API access log's `requestId` and the
 * Logger's `correlation_id`).
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { AgentResult } from '../contracts/agent.js';

/** Namespace and the `service` dimension Powertools adds to every metric of the function. */
export const METRICS_NAMESPACE = 'PolarisOrchestrator';
export const ORCHESTRATOR_SERVICE = 'orchestrator';

/** Metric names (dimension `service`; the per-agent ones also `agent`, and `status`). */
export const TURN_METRICS = {
  /** ms from request to answer, per committed turn. */
  turnLatency: 'TurnLatency',
  /** Responses by status class: Responses2xx / Responses4xx / Responses5xx. */
  responsesPrefix: 'Responses',
  /** Turns that escalated to a human. */
  escalations: 'HumanEscalation',
  /** Agents that ended error/timeout in a turn, and all agents that were to run (the rate's denominator). */
  agentFailures: 'AgentFailures',
  agentResults: 'AgentResults',
  /** Per agent (dimensions agent, status): one count per result; latency per agent (dimension agent). */
  agentCalls: 'AgentCalls',
  agentLatency: 'AgentLatency',
  /** A committed turn whose turn-log item could not be written (published where the gap is detected). */
  turnLogGap: 'TurnLogGap',
} as const;

/** Per-agent counts and latencies of one turn, plus the aggregate the failure-rate alarm divides by. */
export function publishAgentMetrics(metrics: Metrics, results: Record<string, AgentResult[]>): void {
  const all = Object.values(results).flat();
  const ran = all.filter((a) => a.status !== 'skipped');
  if (ran.length > 0) metrics.addMetric(TURN_METRICS.agentResults, MetricUnit.Count, ran.length);
  for (const a of ran) {
    const m = metrics.singleMetric();
    m.addDimensions({ agent: a.agent, status: a.status });
    m.addMetric(TURN_METRICS.agentCalls, MetricUnit.Count, 1);
    if (a.latency_ms !== null) {
      const l = metrics.singleMetric();
      l.addDimension('agent', a.agent);
      l.addMetric(TURN_METRICS.agentLatency, MetricUnit.Milliseconds, a.latency_ms);
    }
  }
}

/**
 * Every error answer names the request: `request_id` is added to a JSON object body that lacks it (400s
 * included), so a client can quote it and on-call can find the access log line and the function's logs.
 */
export function withRequestId<T extends { statusCode: number; body: string }>(result: T, requestId: string): T {
  if (result.statusCode < 400) return result;
  try {
    const body = JSON.parse(result.body) as unknown;
    if (body === null || typeof body !== 'object' || Array.isArray(body) || 'request_id' in body) return result;
    return { ...result, body: JSON.stringify({ ...body, request_id: requestId }) };
  } catch {
    return result;
  }
}
