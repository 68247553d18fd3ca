/**
 * The ONE owner of the table's key layout (issues #11 tenants, #12 queue/idempotency, #15 item sizes,
 * #16 memory all go through here; no other module spells a `pk`/`sk`).
 *
 * Every item of a tenant lives under a partition key that begins with `T#<tenant>#`, so an IAM policy with
 * `dynamodb:LeadingKeys` = `T#<tenant>#*` confines a tenant-scoped client to that tenant's items. The tenant
 * comes only from the authenticated identity (never from a request body). Items that are not a tenant's
 * (circuit breakers: shared by every tenant of the deployment) have keys without the prefix.
 *
 *   pk                                   sk                     item
 *   T#<t>#CONV#<conversation_id>         STATE                  conversation state (small, constant size)
 *   T#<t>#CONV#<conversation_id>         TURN#<00000042>        one committed turn
 *   T#<t>#CONV#<conversation_id>         SUMMARY                rolling summary (written by the history agent)
 *   T#<t>#CONV#<conversation_id>         LEASE                  turn queue / lease (double texting)
 *   T#<t>#IDEMPOTENCY#<scope>#<key>      REQUEST                idempotency record (scope = caller)
 *   T#<t>#IND#<individual_id>            MEMORY                 individual memory across conversations
 *   T#<t>#IND#<individual_id>            CONV#<conversation_id> index: the individual's conversations (erasure)
 *   T#<t>#IND#<individual_id>            IDEM#<scope>#<key>     index: the individual's idempotency records (erasure)
 *   T#<t>#AUDIT                          AT#<iso>#<request_id>  operator audit entry
 *   BREAKER#<agent>                      STATE                  circuit breaker (global)
 *
 * Index `conversations-by-update` (sparse GSI: only state items carry its keys, set by the same write that
 * stores the state — no extra request): list_pk = T#<t>#CONVS, list_sk = <updated_at>#<conversation_id>, so an
 * operator lists the tenant's conversations newest first with one Query. One index partition per tenant takes
 * every state write of that tenant (≈1000 writes/s per partition); shard list_pk by day if a tenant outgrows it.
 *
 * Ids are validated at the API edge (no `#`), so a key never parses ambiguously.
 */

/** Tenant used by in-process wiring and tests that have no authenticated identity (the offline `local`). */
export const DEFAULT_TENANT = 'local';

/** Sort keys of fixed items. */
export const SK = {
  state: 'STATE',
  summary: 'SUMMARY',
  lease: 'LEASE',
  request: 'REQUEST',
  memory: 'MEMORY',
} as const;

/** Prefix every key of a tenant starts with (the IAM LeadingKeys condition uses `${tenantPrefix(t)}*`). */
export function tenantPrefix(tenant: string): string {
  if (tenant.length === 0 || tenant.includes('#')) throw new Error(`invalid tenant id "${tenant}"`);
  return `T#${tenant}#`;
}

/** Partition key of a conversation's items (state, turns, summary, lease). */
export function conversationPk(tenant: string, conversationId: string): string {
  return `${tenantPrefix(tenant)}CONV#${conversationId}`;
}

/** Sort key of a turn item: zero-padded so the turn log sorts by number. */
export function turnSk(seq: number): string {
  return `TURN#${String(seq).padStart(8, '0')}`;
}

/** Prefix of every turn item's sort key (Query `begins_with`). */
export const TURN_SK_PREFIX = 'TURN#';

/** Partition key of an idempotency record, scoped to tenant and caller. */
export function idempotencyPk(tenant: string, scope: string, key: string): string {
  return `${tenantPrefix(tenant)}IDEMPOTENCY#${scope}#${key}`;
}

/** Partition key of an individual's items (memory, conversation index). */
export function individualPk(tenant: string, individualId: string): string {
  return `${tenantPrefix(tenant)}IND#${individualId}`;
}

/** Sort key of an individual's conversation-index entry. */
export function individualConversationSk(conversationId: string): string {
  return `CONV#${conversationId}`;
}

/** Prefix of the conversation-index entries' sort keys (Query `begins_with`). */
export const INDIVIDUAL_CONVERSATION_SK_PREFIX = 'CONV#';

/** Sort key of an individual's idempotency-record index entry (the record is found again for erasure). */
export function individualIdempotencySk(scope: string, key: string): string {
  return `IDEM#${scope}#${key}`;
}

/** Prefix of the idempotency-index entries' sort keys. */
export const INDIVIDUAL_IDEMPOTENCY_SK_PREFIX = 'IDEM#';

/** Partition key of a tenant's operator audit log. */
export function auditPk(tenant: string): string {
  return `${tenantPrefix(tenant)}AUDIT`;
}

/** Prefix of every audit entry's sort key. */
export const AUDIT_SK_PREFIX = 'AT#';

/** Sort key of an audit entry: sortable by time. */
export function auditSk(atIso: string, requestId: string): string {
  return `AT#${atIso}#${requestId}`;
}

/** The sparse list index of conversations (GSI on the state item); attribute names of its keys and projection. */
export const CONVERSATION_LIST_INDEX = {
  name: 'conversations-by-update',
  pk: 'list_pk',
  sk: 'list_sk',
  /** State attributes the index projects: a list row, never the task stack or any text. */
  projected: ['conversation_id', 'individual_id', 'plan', 'is_paused', 'requires_human', 'turn_count', 'created_at', 'updated_at'],
} as const;

/** Index partition key of a tenant's conversation list. */
export function conversationListPk(tenant: string): string {
  return `${tenantPrefix(tenant)}CONVS`;
}

/** Index sort key of a conversation in the list: its last update (ISO, sorts by time), then its id. */
export function conversationListSk(updatedAtIso: string, conversationId: string): string {
  return `${updatedAtIso}#${conversationId}`;
}

/** Circuit breakers are the deployment's, not a tenant's. */
export function breakerKey(agent: string): { pk: string; sk: string } {
  return { pk: `BREAKER#${agent}`, sk: SK.state };
}

/** Which kind of item a sort key addresses (request counters in the benchmark). */
export function itemKindOfSk(sk: string | undefined): 'state' | 'turn' | 'idempotency' | 'other' {
  if (sk === SK.state) return 'state';
  if (sk?.startsWith(TURN_SK_PREFIX)) return 'turn';
  if (sk === SK.request) return 'idempotency';
  return 'other';
}
