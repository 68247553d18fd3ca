/**
 * Pure merge logic of individual memory: apply one turn's facts (idempotent per (conversation, turn)),
 * merge two copies of a record (the external Memory Service's and the DynamoDB fallback's), and project the
 * part agents see. No I/O; every list stays within MEMORY_LIMITS, oldest dropped first.
 */
import type { AgentMemory } from '../../contracts/agent.js';
import {
  MEMORY_LIMITS,
  MEMORY_SCHEMA_VERSION,
  type CommitmentFact,
  type IndividualMemory,
  type MedicationFact,
  type MemoryFacts,
  type MemoryWriteRequest,
  type Provenance,
} from './schema.js';

/** An empty record for an individual. */
export function emptyMemory(individualId: string, at: string): IndividualMemory {
  return {
    schema_version: MEMORY_SCHEMA_VERSION,
    individual_id: individualId,
    commitments: [],
    medications: [],
    preferences: {},
    mood: [],
    sleep: [],
    summary: [],
    applied: [],
    updated_at: at,
  };
}

/** Lower-case, collapse spaces, drop trailing punctuation: "Walk around the lake." ≡ "walk around the lake". */
export function normaliseCommitment(text: string): string {
  return text.toLowerCase().replace(/\s+/g, ' ').replace(/[.!?,;:\s]+$/u, '').trim();
}

/** Stable id of a commitment: FNV-1a of its normalised text (not cryptographic; only identity). */
export function commitmentId(text: string): string {
  let h = 0x811c9dc5;
  const s = normaliseCommitment(text);
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return `c${h.toString(16).padStart(8, '0')}`;
}

/** True when this (conversation, turn) was applied already (or is too old to tell: before the window). */
export function isApplied(memory: IndividualMemory, conversationId: string, turn: number): boolean {
  const entry = memory.applied.find((a) => a.conversation_id === conversationId);
  if (!entry) return false;
  return entry.turns.includes(turn) || turn <= entry.turn - MEMORY_LIMITS.appliedWindow;
}

type Applied = IndividualMemory['applied'][number];

function markApplied(list: readonly Applied[], entry: { conversation_id: string; turns: readonly number[]; at: string }): Applied[] {
  const old = list.find((a) => a.conversation_id === entry.conversation_id);
  const turns = [...new Set([...(old?.turns ?? []), ...entry.turns])].sort((x, y) => x - y);
  const top = Math.max(old?.turn ?? 0, ...turns);
  const mine: Applied = {
    conversation_id: entry.conversation_id,
    turn: top,
    turns: turns.filter((t) => t > top - MEMORY_LIMITS.appliedWindow),
    at: old && old.at > entry.at ? old.at : entry.at,
  };
  const all = [...list.filter((a) => a.conversation_id !== entry.conversation_id), mine].sort((p, q) => (p.at < q.at ? -1 : p.at > q.at ? 1 : 0));
  return keepLast(all, MEMORY_LIMITS.applied);
}

const byTime = (a: { learned: Provenance }, b: { learned: Provenance }) =>
  a.learned.at === b.learned.at ? a.learned.turn - b.learned.turn : a.learned.at < b.learned.at ? -1 : 1;

function keepLast<T>(list: T[], max: number): T[] {
  return list.length <= max ? list : list.slice(list.length - max);
}

function later(a: Provenance, b: Provenance): boolean {
  return a.at === b.at ? a.turn > b.turn : a.at > b.at;
}

/** One summary line for a conversation, rendered from the record's facts learned in it. */
function summaryLine(memory: IndividualMemory, conversationId: string): string {
  const parts: string[] = [];
  const mood = [...memory.mood].reverse().find((m) => m.learned.conversation_id === conversationId);
  if (mood) parts.push(`mood ${mood.value}`);
  const sleep = [...memory.sleep].reverse().find((m) => m.learned.conversation_id === conversationId);
  if (sleep) parts.push(`sleep ${sleep.value}`);
  const meds = memory.medications.filter((m) => m.updated.conversation_id === conversationId);
  if (meds.length > 0) parts.push(`meds ${meds.map((m) => (m.status === 'stopped' ? `${m.name} stopped` : m.last_adherence ? `${m.name} ${m.last_adherence}` : m.name)).join(', ')}`);
  const outcomes = memory.commitments.filter((c) => c.outcome?.learned.conversation_id === conversationId);
  for (const c of outcomes) parts.push(`"${c.text}" ${c.outcome!.status}`);
  const made = memory.commitments.filter((c) => c.learned.conversation_id === conversationId);
  if (made.length > 0) parts.push(`plans ${made.map((c) => `"${c.text}"`).join(', ')}`);
  const line = parts.join('; ');
  return line.length <= MEMORY_LIMITS.summaryLineChars ? line : `${line.slice(0, MEMORY_LIMITS.summaryLineChars - 1)}…`;
}

function withSummary(memory: IndividualMemory, request: Pick<MemoryWriteRequest, 'conversation_id' | 'plan' | 'at'>): IndividualMemory {
  const line = summaryLine(memory, request.conversation_id);
  const others = memory.summary.filter((s) => s.conversation_id !== request.conversation_id);
  if (line === '') return { ...memory, summary: others };
  const mine = { conversation_id: request.conversation_id, plan: request.plan, at: request.at, line };
  const summary = [...others, mine].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return { ...memory, summary: keepLast(summary, MEMORY_LIMITS.summaryLines) };
}

function applyMedications(list: MedicationFact[], facts: NonNullable<MemoryFacts['medications']>, learned: Provenance): MedicationFact[] {
  const out = list.map((m) => ({ ...m }));
  for (const f of facts) {
    const name = f.name.toLowerCase();
    const existing = out.find((m) => m.name === name);
    const adherence = f.adherence === 'taken' || f.adherence === 'missed' ? f.adherence : undefined;
    if (existing) {
      // A correction ("I stopped metformin") or a confirmation; an older turn arriving late never overrides a newer one.
      if (!later(learned, existing.updated) && !(learned.at === existing.updated.at && learned.turn === existing.updated.turn)) continue;
      existing.status = f.status;
      if (f.dose) existing.dose = f.dose;
      if (adherence) existing.last_adherence = adherence;
      existing.updated = learned;
    } else {
      out.push({ name, status: f.status, ...(f.dose ? { dose: f.dose } : {}), ...(adherence ? { last_adherence: adherence } : {}), learned, updated: learned });
    }
  }
  // Bounded: drop the stalest first (stopped ones before active ones).
  out.sort((a, b) => (a.status === b.status ? byUpdated(a, b) : a.status === 'stopped' ? -1 : 1));
  return keepLast(out, MEMORY_LIMITS.medications).sort(byUpdated);
}

const byUpdated = (a: MedicationFact, b: MedicationFact) => (a.updated.at === b.updated.at ? a.updated.turn - b.updated.turn : a.updated.at < b.updated.at ? -1 : 1);

/**
 * Apply one turn's facts. Returns null when this (conversation, turn) was already applied (the writer is
 * idempotent per turn: a redelivered event is a no-op; an earlier turn arriving late is still applied).
 */
export function applyFacts(current: IndividualMemory | null, request: MemoryWriteRequest): IndividualMemory | null {
  const base = current ?? emptyMemory(request.individual_id, request.at);
  if (isApplied(base, request.conversation_id, request.turn)) return null;
  const learned: Provenance = { at: request.at, conversation_id: request.conversation_id, turn: request.turn };
  const f = request.facts;
  let commitments: CommitmentFact[] = base.commitments.map((c) => ({ ...c }));
  if (f.commitment_outcome) {
    const target = commitments.find((c) => c.id === f.commitment_outcome!.commitment_id);
    if (target && (!target.outcome || later(learned, target.outcome.learned))) target.outcome = { status: f.commitment_outcome.status, learned };
  }
  for (const c of f.commitments ?? []) {
    const id = commitmentId(c.text);
    const text = c.text.trim().slice(0, MEMORY_LIMITS.commitmentChars);
    const existing = commitments.find((x) => x.id === id);
    if (existing) {
      // Said again: it is a fresh commitment (a new due date), its old outcome no longer applies.
      if (later(learned, existing.learned)) {
        commitments = commitments.filter((x) => x.id !== id);
        commitments.push({ id, text, ...(c.due ? { due: c.due } : {}), learned });
      }
    } else {
      commitments.push({ id, text, ...(c.due ? { due: c.due } : {}), learned });
    }
  }
  commitments = keepLast(commitments.sort(byTime), MEMORY_LIMITS.commitments);

  const preferences = { ...base.preferences };
  if (f.language && (!preferences.language || later(learned, preferences.language.learned))) preferences.language = { value: f.language, learned };
  if (f.preferred_name && (!preferences.preferred_name || later(learned, preferences.preferred_name.learned))) {
    preferences.preferred_name = { value: f.preferred_name, learned };
  }
  const mood = f.mood ? keepLast([...base.mood, { value: f.mood, learned }].sort(byTime), MEMORY_LIMITS.moodReadings) : base.mood;
  const sleep = f.sleep ? keepLast([...base.sleep, { value: f.sleep, learned }].sort(byTime), MEMORY_LIMITS.sleepReadings) : base.sleep;
  const applied = markApplied(base.applied, { conversation_id: request.conversation_id, turns: [request.turn], at: request.at });
  const next: IndividualMemory = {
    ...base,
    commitments,
    medications: f.medications ? applyMedications(base.medications, f.medications, learned) : base.medications,
    preferences,
    mood,
    sleep,
    applied,
    updated_at: request.at > base.updated_at ? request.at : base.updated_at,
  };
  return withSummary(next, request);
}

function unionBy<T>(a: readonly T[], b: readonly T[], key: (x: T) => string, pick: (x: T, y: T) => T): T[] {
  const out = new Map<string, T>();
  for (const x of a) out.set(key(x), x);
  for (const y of b) {
    const k = key(y);
    const x = out.get(k);
    out.set(k, x === undefined ? y : pick(x, y));
  }
  return [...out.values()];
}

/**
 * Merge two copies of one individual's record (e.g. the Memory Service's and the DynamoDB fallback's after an
 * outage): the union of their facts, the later value where both know the same fact. Commutative, so the order
 * the copies are read in does not matter, and a fact written to either copy survives.
 */
export function mergeMemories(a: IndividualMemory, b: IndividualMemory): IndividualMemory {
  const provKey = (p: Provenance) => `${p.conversation_id}#${p.turn}`;
  const laterOf = <T extends { learned: Provenance }>(x: T, y: T) => (later(y.learned, x.learned) ? y : x);
  const commitments = unionBy(a.commitments, b.commitments, (c) => c.id, (x, y) => {
    const base = laterOf(x, y);
    const outcomes = [x.outcome, y.outcome].filter((o) => o !== undefined);
    const outcome = outcomes.sort((p, q) => (later(p.learned, q.learned) ? -1 : 1))[0];
    const valid = outcome && !later(base.learned, outcome.learned) ? outcome : undefined;
    const { outcome: _drop, ...rest } = base;
    return valid ? { ...rest, outcome: valid } : rest;
  });
  const medications = unionBy(a.medications, b.medications, (m) => m.name, (x, y) => {
    const newer = later(y.updated, x.updated) ? y : x;
    const first = later(y.learned, x.learned) ? x.learned : y.learned;
    return { ...newer, learned: first };
  });
  const pref = <T extends { learned: Provenance } | undefined>(x: T, y: T): T => (x === undefined ? y : y === undefined ? x : (laterOf(x!, y!) as T));
  const readings = <T extends { learned: Provenance }>(x: readonly T[], y: readonly T[], max: number) =>
    keepLast(unionBy(x, y, (r) => provKey(r.learned), (p) => p).sort(byTime), max);
  let applied: Applied[] = [...a.applied];
  for (const entry of b.applied) applied = markApplied(applied, entry);
  const merged: IndividualMemory = {
    schema_version: MEMORY_SCHEMA_VERSION,
    individual_id: a.individual_id,
    commitments: keepLast(commitments.sort(byTime), MEMORY_LIMITS.commitments),
    medications: keepLast(medications.sort(byUpdated), MEMORY_LIMITS.medications),
    preferences: {
      ...(pref(a.preferences.language, b.preferences.language) ? { language: pref(a.preferences.language, b.preferences.language)! } : {}),
      ...(pref(a.preferences.preferred_name, b.preferences.preferred_name) ? { preferred_name: pref(a.preferences.preferred_name, b.preferences.preferred_name)! } : {}),
    },
    mood: readings(a.mood, b.mood, MEMORY_LIMITS.moodReadings),
    sleep: readings(a.sleep, b.sleep, MEMORY_LIMITS.sleepReadings),
    summary: [],
    applied,
    updated_at: a.updated_at > b.updated_at ? a.updated_at : b.updated_at,
  };
  // Summary lines are rendered from facts: re-render each conversation's line from the merged facts.
  const convs = unionBy(a.summary, b.summary, (s) => s.conversation_id, (x, y) => (y.at > x.at ? y : x));
  let out = merged;
  for (const s of convs.sort((p, q) => (p.at < q.at ? -1 : 1))) out = withSummary(out, s);
  return out;
}

/** Direction of the last few readings on an ordered scale (index 0 = worst). */
function trend<T extends string>(readings: ReadonlyArray<{ value: T }>, scale: readonly T[]): 'improving' | 'steady' | 'worsening' {
  const last = readings.slice(-3).map((r) => scale.indexOf(r.value));
  if (last.length < 2) return 'steady';
  const delta = last[last.length - 1]! - last[0]!;
  return delta > 0 ? 'improving' : delta < 0 ? 'worsening' : 'steady';
}

/**
 * The part of the record agents see in a conversation (AgentTurnInput.memory): facts learned in OTHER
 * conversations only, so what this conversation says never echoes back to it as "last time". Null when
 * there is nothing to tell.
 */
export function memoryForConversation(memory: IndividualMemory | null, conversationId: string): AgentMemory | null {
  if (memory === null) return null;
  const other = (p: Provenance) => p.conversation_id !== conversationId;
  const commitments = memory.commitments.filter((c) => other(c.learned));
  const last = commitments[commitments.length - 1];
  const meds = memory.medications.filter((m) => other(m.learned) && m.status === 'active');
  const mood = memory.mood.filter((m) => other(m.learned));
  const sleep = memory.sleep.filter((m) => other(m.learned));
  const summary = memory.summary
    .filter((s) => s.conversation_id !== conversationId)
    .map((s) => `${s.at.slice(0, 10)} ${s.plan}: ${s.line}`)
    .join('\n')
    .slice(-1000);
  const view: AgentMemory = {
    last_commitment:
      last === undefined
        ? null
        : {
            id: last.id,
            text: last.text,
            ...(last.due ? { due: last.due } : {}),
            ...(last.outcome && other(last.outcome.learned) ? { outcome: last.outcome.status } : {}),
            learned_at: last.learned.at,
            conversation_id: last.learned.conversation_id,
          },
    medications: meds.slice(-20).map((m) => ({
      name: m.name,
      ...(m.dose ? { dose: m.dose } : {}),
      ...(m.last_adherence ? { last_adherence: m.last_adherence } : {}),
      learned_at: m.learned.at,
      conversation_id: m.learned.conversation_id,
    })),
    preferences: {
      ...(memory.preferences.language ? { language: memory.preferences.language.value } : {}),
      ...(memory.preferences.preferred_name ? { preferred_name: memory.preferences.preferred_name.value } : {}),
    },
    ...(mood.length > 0 ? { mood: { last: mood[mood.length - 1]!.value, trend: trend(mood, ['low', 'okay', 'good'] as const) } } : {}),
    ...(sleep.length > 0 ? { sleep: { last: sleep[sleep.length - 1]!.value, trend: trend(sleep, ['poor', 'okay', 'good'] as const) } } : {}),
    summary,
  };
  const empty = view.last_commitment === null && view.medications.length === 0 && !view.mood && !view.sleep && summary === '' && !view.preferences.language && !view.preferences.preferred_name;
  return empty ? null : view;
}
