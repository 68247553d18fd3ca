/**
 * How `npm run chat` prints a turn: the reply, then compactly the checkpoint progress (task, current
 * checkpoint, values), the agents that ran with status and latency, and the escalation state. Pure
 * functions over the API's answers, so the format is tested without a terminal. Colour only when asked
 * (the CLI asks on a TTY without NO_COLOR).
 */
import type { OrchestratorResponse } from '../functions/contracts/api.js';
import type { ConversationInspection, TurnLog } from '../functions/contracts/operator.js';

export interface Palette {
  dim(s: string): string;
  bold(s: string): string;
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

const wrap = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;
export const COLOUR: Palette = { dim: wrap(2, 22), bold: wrap(1, 22), green: wrap(32, 39), red: wrap(31, 39), yellow: wrap(33, 39), cyan: wrap(36, 39) };
const id = (s: string) => s;
export const PLAIN: Palette = { dim: id, bold: id, green: id, red: id, yellow: id, cyan: id };

type Checkpoint = { checkpoint_id: string; status: string; value?: unknown; values?: unknown };

function statusMark(status: string, p: Palette): string {
  if (status === 'complete') return p.green('✓');
  if (status === 'in_progress') return p.cyan('▸');
  if (status === 'skipped' || status === 'superseded' || status === 'cancelled') return p.dim('–');
  return p.dim('·');
}

function valueOf(c: Checkpoint): string | null {
  const v = c.value ?? c.values;
  if (v === undefined || v === null) return null;
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** The lines printed after the reply of a turn. */
export function turnDetails(r: OrchestratorResponse, p: Palette): string[] {
  const lines: string[] = [];
  for (const task of r.task_stack) {
    const cps = task.checkpoints as Checkpoint[];
    const done = cps.filter((c) => c.status === 'complete').length;
    const marks = cps.map((c) => `${statusMark(c.status, p)}${c.checkpoint_id === task.current_checkpoint_id ? p.bold(c.checkpoint_id) : c.checkpoint_id}`).join(' ');
    lines.push(`  ${p.dim('task')} ${task.task_id} ${p.dim(`[${task.status}, ${done}/${cps.length}]`)} ${marks}`);
    const values = cps.map((c) => [c.checkpoint_id, valueOf(c)] as const).filter(([, v]) => v !== null);
    if (values.length) lines.push(`    ${p.dim('values')} ${values.map(([k, v]) => `${k}=${v}`).join(', ')}`);
  }
  const ran: string[] = [];
  const idle: string[] = [];
  for (const [name, results] of Object.entries(r.sync_agent_results)) {
    const a = results[0];
    if (!a) continue;
    if (a.status === 'skipped') {
      idle.push(name);
      continue;
    }
    const colour = a.status === 'ok' ? p.green : a.status === 'circuit_open' ? p.yellow : p.red;
    ran.push(`${name} ${colour(a.status)}${a.latency_ms !== null ? p.dim(` ${a.latency_ms}ms`) : ''}`);
  }
  lines.push(`  ${p.dim('agents')} ${ran.length ? ran.join(' · ') : p.dim('none (held while paused)')}${idle.length ? p.dim(`  (skipped: ${idle.join(', ')})`) : ''}`);
  const asyncAgents = Object.entries(r.async_agent_results).map(([n, v]) => `${n} ${String((v as { status?: unknown }).status ?? '')}`);
  if (asyncAgents.length) lines.push(`  ${p.dim('async')} ${asyncAgents.join(' · ')}`);
  const degraded = (r as { degraded?: boolean }).degraded;
  const escalation = r.requires_human ? p.red(`REQUIRES HUMAN${r.is_paused ? ' — paused until an operator resumes (/resume <reason>)' : ''}`) : r.is_paused ? p.yellow('paused') : p.green('none');
  lines.push(`  ${p.dim('escalation')} ${escalation}${degraded ? p.yellow('  (degraded turn)') : ''}`);
  const t = r.timing_metrics;
  lines.push(`  ${p.dim('timing')} ${Object.entries(t).map(([k, v]) => `${k} ${v}ms`).join(' · ')}`);
  return lines;
}

/** `/inspect`: the stored conversation as an operator sees it. */
export function inspectionLines(c: ConversationInspection, p: Palette): string[] {
  const lines = [
    `${p.bold(c.conversation_id)} ${p.dim(`plan ${c.plan} · individual ${c.individual_id} · ${c.turn_count} turns · version ${c.version}`)}`,
    `  ${p.dim('status')} ${c.is_paused ? p.red('paused for a human') : p.green('active')}  ${p.dim('current')} ${c.current ? `${c.current.task_id} › ${c.current.checkpoint_id ?? '–'}` : 'done'}`,
  ];
  for (const task of c.task_stack) {
    lines.push(`  ${p.dim('task')} ${task.task_id} ${p.dim(`[${task.status}]`)}`);
    for (const cp of task.checkpoints as Array<Checkpoint & { description?: string }>) {
      const v = valueOf(cp);
      lines.push(`    ${statusMark(cp.status, p)} ${cp.checkpoint_id} ${p.dim(cp.status)}${v ? ` = ${v}` : ''}`);
    }
  }
  for (const e of c.pause_log) lines.push(`  ${p.dim(e.action)} ${e.at} by ${e.by}: ${e.reason}`);
  return lines;
}

/** `/turns`: one line per committed turn. */
export function turnLogLines(log: TurnLog, p: Palette): string[] {
  return log.turns.map((t) => {
    const ran = t.agents.filter((a) => a.status !== 'skipped').map((a) => `${a.agent}:${a.status}${a.latency_ms !== null ? `/${a.latency_ms}ms` : ''}`);
    return `  #${t.turn} ${p.dim(t.at)} → ${t.responder}${t.requires_human ? p.red(' ESCALATED') : ''}  ${p.dim(ran.join(' ') || 'held')}  ${p.dim(`total ${t.timing_metrics.total ?? '?'}ms`)}`;
  });
}
