/**
 * Operator views for the inspector and tools: the tenant's conversation list (GET /conversations) and one
 * conversation's turn log (GET /conversations/{id}/turns). Both read only ids, statuses, timings and the
 * companion's replies; the patient's words appear only when the deployment stores turn text.
 */
import type { APIGatewayProxyEvent } from 'aws-lambda';
import {
  ConversationListQuerySchema,
  TurnLogQuerySchema,
  parseQueryString,
  type ConversationList,
  type TurnLog,
  type TurnView,
} from '../contracts/operator.js';
import type { ConversationBrowser } from '../core/browse-ports.js';
import { ConversationNotFoundError } from '../core/errors.js';
import type { ConversationStore, TurnRecord } from '../core/ports.js';
import { json, type HttpResult } from './http.js';

export interface BrowseDeps {
  store: ConversationStore;
  browser?: ConversationBrowser;
  config: { storeTurnText: boolean };
}

/** The browser is wired in every deployment; a missing one is a wiring bug, not a client error. */
export class BrowserNotConfiguredError extends Error {
  override readonly name = 'BrowserNotConfiguredError';
}

function browserOf(deps: BrowseDeps): ConversationBrowser {
  if (!deps.browser) throw new BrowserNotConfiguredError('the conversation browser is not configured');
  return deps.browser;
}

/** GET /conversations?individual_id&status&limit&cursor */
export async function listConversationsRoute(event: APIGatewayProxyEvent, deps: BrowseDeps, tenant: string): Promise<HttpResult> {
  const query = parseQueryString(ConversationListQuerySchema, event.queryStringParameters as Record<string, string> | null);
  if (!query.ok) return json(400, query.error);
  const { rows, nextCursor } = await browserOf(deps).listConversations(tenant, {
    individualId: query.value.individual_id,
    status: query.value.status,
    limit: query.value.limit ?? 25,
    cursor: query.value.cursor,
  });
  const body: ConversationList = { conversations: rows, next_cursor: nextCursor };
  return json(200, body);
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** A stored turn item as the operator API shows it. */
export function toTurnView(turn: TurnRecord, storesText: boolean): TurnView {
  const response = record(turn.response);
  const progress = record(response['checkpoint_progress']);
  const view: TurnView = {
    turn: turn.turn,
    call_log_id: turn.call_log_id,
    detected_agent: turn.detected_agent,
    responder: turn.responder,
    at: turn.at,
    reply: typeof response['response'] === 'string' ? response['response'] : '',
    requires_human: response['requires_human'] === true,
    is_paused: response['is_paused'] === true,
    is_enriched: response['is_enriched'] === true,
    checkpoint_progress: Object.fromEntries(Object.entries(progress).map(([k, v]) => [k, v === true])),
    agents: (turn.agents ?? []).map((a) => ({ agent: a.agent, status: a.status, latency_ms: a.latency_ms ?? null, offset_ms: a.offset_ms ?? null })),
    responder_timing: turn.responder_timing ?? null,
    timing_metrics: turn.timing_metrics ?? {},
  };
  if (response['evaluated_checkpoint'] !== undefined && response['evaluated_checkpoint'] !== null) view.evaluated_checkpoint = response['evaluated_checkpoint'];
  if (storesText && typeof turn.text === 'string') view.text = turn.text;
  return view;
}

/** GET /conversations/{id}/turns?after&limit */
export async function turnLogRoute(event: APIGatewayProxyEvent, deps: BrowseDeps, tenant: string): Promise<HttpResult> {
  const id = event.pathParameters?.id ?? '';
  const query = parseQueryString(TurnLogQuerySchema, event.queryStringParameters as Record<string, string> | null);
  if (!query.ok) return json(400, query.error);
  const turns = await browserOf(deps).listTurns(tenant, id, { after: query.value.after ?? 0, limit: query.value.limit ?? 50 });
  // An empty log is either "nothing new yet" or "no such conversation": only then is the state read.
  if (turns.length === 0 && (await deps.store.get(id, { consistent: true, bypassCache: true })) === null) {
    throw new ConversationNotFoundError(id);
  }
  const body: TurnLog = {
    conversation_id: id,
    turns: turns.map((t) => toTurnView(t, deps.config.storeTurnText)),
    stores_text: deps.config.storeTurnText,
  };
  return json(200, body);
}
