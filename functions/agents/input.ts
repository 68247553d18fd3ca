/**
 * What a reference agent reads from its request. Every agent except privacy analyses the redacted
 * text: the privacy agent's `redacted_text` when privacy ran this turn, otherwise the same redaction
 * done locally (so an agent never copies a raw identifier into its findings, whatever the registry says).
 */
import type { AgentOutput, AgentRequest } from '../contracts/agent.js';
import { redact } from './privacy.js';

/** The text an agent must analyse: dependencies.privacy.redacted_text when present, else redacted here. */
export function redactedText(request: Pick<AgentRequest, 'text' | 'dependencies'>): string {
  const privacy = request.dependencies?.['privacy'];
  if (privacy && privacy.status === 'ok' && typeof privacy.redacted_text === 'string') return privacy.redacted_text;
  return redact(request.text).text;
}

/** A dependency's output when it ran with status ok. */
export function okDependency(request: Pick<AgentRequest, 'dependencies'>, agent: string): AgentOutput | undefined {
  const out = request.dependencies?.[agent];
  return out && out.status === 'ok' ? out : undefined;
}

/** A reference agent: pure, deterministic, synchronous. */
export type ReferenceAgent = (request: AgentRequest) => AgentOutput;
