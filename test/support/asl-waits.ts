/**
 * Structural analysis of a generated fan-out ASL, independent of the generator: for every agent, the set of
 * agents whose record (`$.done.<agent>`, written by the agent's terminal Pass states) is guaranteed to exist
 * when the agent's `Start <agent>` state is entered — i.e. what the workflow makes it wait for. A data-flow
 * pass over each scope (intersection over every way in, Parallel = union of its branches' guaranteed ends),
 * so Choice (run / skipped / circuit open) and Catch (error / timeout) paths all count.
 */
type State = {
  Type: string;
  Next?: string;
  End?: boolean;
  Default?: string;
  Choices?: Array<{ Next: string }>;
  Catch?: Array<{ Next: string }>;
  Branches?: Scope[];
  ResultPath?: string;
  Parameters?: Record<string, unknown>;
};
type Scope = { StartAt: string; States: Record<string, State> };

/** What the analysis found. */
export interface AslWaits {
  /** agent → agents guaranteed done when `Start <agent>` is entered. */
  waits: Map<string, Set<string>>;
  /** agent → the `$.done.<x>.out` paths its request reads as dependencies. */
  reads: Map<string, string[]>;
  /** Agents guaranteed done at the end of the top-level agent phase ("Collect results"). */
  doneAtCollect: Set<string>;
}

/** The agent whose record a state writes: at `$.done.X`, or (a branch-per-agent layout) as a branch's final output. */
function recordOf(s: State): string | undefined {
  const at = /^\$\.done\.([a-z0-9_]+)$/.exec(s.ResultPath ?? '')?.[1];
  if (at) return at;
  const agent = s.Parameters?.agent;
  return s.Type === 'Pass' && s.End && typeof agent === 'string' ? agent : undefined;
}

function successors(s: State): string[] {
  return [s.Next, s.Default, ...(s.Choices ?? []).map((c) => c.Next), ...(s.Catch ?? []).map((c) => c.Next)].filter(
    (x): x is string => typeof x === 'string',
  );
}

const intersect = (a: Set<string> | undefined, b: Set<string>): Set<string> => (a ? new Set([...a].filter((x) => b.has(x))) : new Set(b));

/** Analyse one scope entered with `entry` done; returns the set guaranteed done at every End of the scope. */
function analyseScope(scope: Scope, entry: Set<string>, out: AslWaits, stopAt?: string): Set<string> {
  // Topological order of the scope's states (the fan-out has no loops).
  const order: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const s = scope.States[name];
    if (!s) throw new Error(`state ${name} is not in its scope`);
    if (name !== stopAt) for (const n of successors(s)) visit(n);
    order.unshift(name);
  };
  visit(scope.StartAt);
  const inSet = new Map<string, Set<string>>([[scope.StartAt, entry]]);
  let atEnd: Set<string> | undefined;
  for (const name of order) {
    const s = scope.States[name]!;
    const here = inSet.get(name)!;
    if (name === stopAt) {
      out.doneAtCollect = here;
      continue;
    }
    const startOf = /^Start ([a-z0-9_]+)$/.exec(name)?.[1];
    if (startOf && s.Parameters?.req && (s.Parameters.req as Record<string, unknown>).agent === startOf) {
      out.waits.set(startOf, new Set(here));
      const req = s.Parameters.req as Record<string, unknown>;
      const expr = String(req['dependencies.$'] ?? '');
      out.reads.set(startOf, [...expr.matchAll(/\$\.done\.([a-z0-9_]+)\.out/g)].map((m) => m[1]!));
    }
    let exit = new Set(here);
    if (s.Type === 'Parallel') {
      for (const b of s.Branches ?? []) for (const a of analyseScope(b, here, out)) exit.add(a);
    }
    const rec = recordOf(s);
    if (rec) exit = new Set([...exit, rec]);
    if (s.End) atEnd = intersect(atEnd, exit);
    for (const n of successors(s)) inSet.set(n, intersect(inSet.get(n), exit));
  }
  return atEnd ?? new Set();
}

/** Analyse a whole fan-out definition (top level up to "Collect results"). */
export function aslWaits(asl: Record<string, unknown>): AslWaits {
  const out: AslWaits = { waits: new Map(), reads: new Map(), doneAtCollect: new Set() };
  analyseScope(asl as unknown as Scope, new Set(), out, 'Collect results');
  return out;
}
