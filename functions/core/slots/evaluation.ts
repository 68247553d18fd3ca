/**
 * Checkpoint evaluation with typed answers: what one turn's extraction (the checklist agent's findings) does
 * to the checkpoints of every active task. Pure; used by the turn engine on the stored state and, over the
 * checkpoint refs of its request, by the reference responders to know what the engine will decide (so the
 * reply asks the question the engine will expect next — one rule, one place).
 *
 * Rules:
 * - a value that answers a checkpoint's slot completes it, whatever task it belongs to and whether or not its
 *   question was asked yet; a value for a complete checkpoint replaces (corrects) the stored one; a declined
 *   or skipped checkpoint the patient answers after all becomes complete;
 * - values the patient volunteered by slot key (`noted`) credit every open checkpoint with that key — also
 *   ones added later (generated extensions, support tasks of a service named later), from the stored values;
 * - a refusal of the checkpoint being asked declines it (recorded, never asked again this conversation);
 * - the checkpoint being asked that got no usable answer although it was already asked twice is skipped;
 * - a turn in which the patient asks to stop changes no status: the next message resumes where they left off.
 */
import type { AgentOutput } from '../../contracts/agent.js';
import { acceptValue, slotKey, SlotValueSchema, type SlotSpec, type SlotValue } from './types.js';

/** Times a question is put to the patient before an unusable answer skips it (first wording, then rephrased). */
export const MAX_ATTEMPTS = 2;
/** Most volunteered values kept per conversation (one per slot key; oldest key dropped first). */
export const MAX_NOTED_KEYS = 16;
/** The agent whose findings carry the typed values. */
export const EVALUATOR_AGENT = 'checklist';

/** What evaluation needs of a checkpoint (a stored Checkpoint or an agent-facing CheckpointRef). */
export interface SlotCheckpoint {
  checkpoint_id: string;
  status: string;
  slot?: SlotSpec | undefined;
  value?: SlotValue | undefined;
  asked?: number | undefined;
}

/** One turn's extraction, validated against the checkpoints it names. */
export interface TurnEvaluation {
  /** checkpoint_id → a value that answers that checkpoint's slot. */
  values: Record<string, SlotValue>;
  /** slot key → a value the patient volunteered (credited to checkpoints with that key). */
  noted: Record<string, SlotValue>;
  /** Checkpoints the patient refused to answer. */
  declined: string[];
  /** The patient asked to stop for now. */
  stop: boolean;
  /** A legacy checklist verdict on the current checkpoint without a typed value (a team's own checklist). */
  legacyComplete: boolean;
}

/** What happens to one checkpoint this turn. */
export type CheckpointOutcome =
  | { kind: 'complete'; value: SlotValue | undefined }
  | { kind: 'corrected'; value: SlotValue }
  | { kind: 'declined' }
  | { kind: 'skipped' };

const OPEN = new Set(['pending', 'in_progress']);

/** An empty evaluation (the checklist did not run or said nothing usable). */
export function emptyEvaluation(): TurnEvaluation {
  return { values: {}, noted: {}, declined: [], stop: false, legacyComplete: false };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Read the checklist agent's findings as a TurnEvaluation: `findings.values` (checkpoint_id → value) are kept
 * only for known checkpoints and only when the value answers that checkpoint's slot; `findings.noted`
 * (slot key → value) only when schema-valid; `findings.declined` only for known checkpoints;
 * `findings.intent === 'stop'`. A checklist that reports only the legacy `flags.checkpoint_complete` for the
 * current checkpoint still completes it (without a value). Never throws on a malformed output.
 */
export function readEvaluation(
  output: AgentOutput | undefined,
  checkpoints: readonly SlotCheckpoint[],
  currentId: string | null,
): TurnEvaluation {
  const evaluation = emptyEvaluation();
  if (output === undefined || output.status !== 'ok') return evaluation;
  const byId = new Map(checkpoints.map((c) => [c.checkpoint_id, c]));
  const f = output.findings;
  if (isRecord(f['values'])) {
    for (const [id, raw] of Object.entries(f['values'])) {
      const cp = byId.get(id);
      if (cp?.slot === undefined) continue;
      const value = acceptValue(cp.slot, raw);
      if (value !== null) evaluation.values[id] = value;
    }
  }
  if (isRecord(f['noted'])) {
    for (const [key, raw] of Object.entries(f['noted'])) {
      const parsed = SlotValueSchema.safeParse(raw);
      if (parsed.success && /^[a-z0-9_]{1,40}$/.test(key)) evaluation.noted[key] = parsed.data;
    }
  }
  if (Array.isArray(f['declined'])) {
    for (const id of f['declined']) if (typeof id === 'string' && byId.has(id)) evaluation.declined.push(id);
  }
  evaluation.stop = f['intent'] === 'stop';
  const flags = output.flags;
  if (
    currentId !== null &&
    flags.checkpoint_id === currentId &&
    flags.checkpoint_complete === true &&
    evaluation.values[currentId] === undefined
  ) {
    evaluation.legacyComplete = true;
  }
  return evaluation;
}

/**
 * The value `noted` holds for an open checkpoint, if it answers its slot (a volunteered fact credited when
 * the checkpoint is on the stack).
 */
export function notedValueFor(cp: SlotCheckpoint, noted: Readonly<Record<string, SlotValue>>): SlotValue | null {
  if (cp.slot === undefined) return null;
  const raw = noted[slotKey(cp.slot)];
  return raw === undefined ? null : acceptValue(cp.slot, raw);
}

/**
 * Decide each checkpoint's outcome for this turn (see the module rules). `currentId` is the checkpoint the
 * turn was about (the one in progress when it started); `noted` is the conversation's volunteered values
 * after this turn's were merged in.
 */
export function decideOutcomes(
  checkpoints: readonly SlotCheckpoint[],
  currentId: string | null,
  evaluation: TurnEvaluation,
  noted: Readonly<Record<string, SlotValue>>,
): Map<string, CheckpointOutcome> {
  const out = new Map<string, CheckpointOutcome>();
  for (const cp of checkpoints) {
    const value = evaluation.values[cp.checkpoint_id];
    if (value !== undefined) {
      if (cp.status === 'complete') {
        if (JSON.stringify(cp.value) !== JSON.stringify(value)) out.set(cp.checkpoint_id, { kind: 'corrected', value });
      } else if (OPEN.has(cp.status) || cp.status === 'declined' || cp.status === 'skipped') {
        out.set(cp.checkpoint_id, { kind: 'complete', value });
      }
      continue;
    }
    if (!OPEN.has(cp.status)) continue;
    const volunteered = notedValueFor(cp, noted);
    if (volunteered !== null) {
      out.set(cp.checkpoint_id, { kind: 'complete', value: volunteered });
      continue;
    }
    if (cp.checkpoint_id !== currentId || evaluation.stop) continue;
    if (evaluation.legacyComplete) out.set(cp.checkpoint_id, { kind: 'complete', value: undefined });
    else if (evaluation.declined.includes(cp.checkpoint_id)) out.set(cp.checkpoint_id, { kind: 'declined' });
    else if ((cp.asked ?? 0) >= MAX_ATTEMPTS && cp.status === 'in_progress') out.set(cp.checkpoint_id, { kind: 'skipped' });
  }
  return out;
}

/** Merge this turn's volunteered values into the conversation's (later wins; bounded, oldest key dropped). */
export function mergeNoted(
  noted: Readonly<Record<string, SlotValue>>,
  fresh: Readonly<Record<string, SlotValue>>,
): Record<string, SlotValue> {
  const merged: Record<string, SlotValue> = { ...noted };
  for (const [key, value] of Object.entries(fresh)) {
    delete merged[key];
    merged[key] = value;
  }
  const keys = Object.keys(merged);
  for (const key of keys.slice(0, Math.max(0, keys.length - MAX_NOTED_KEYS))) delete merged[key];
  return merged;
}
