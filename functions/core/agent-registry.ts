/**
 * The agent registry (the seed's AGENT_CONFIG): its shape, how overrides merge into the bundled default
 * (config/agents.json ← CDK context ← AGENT_REGISTRY ← `<AGENT>_SERVICE_URL`), and its validation.
 *
 * Used at synth time (lib/constructs/agent-workflow.ts generates the Step Functions ASL from it) and at
 * cold start (the fan-out adapter selects agents, the HTTP agent invoker finds URLs and timeouts). Both
 * validate the same way, so a broken registry fails `cdk synth` before it can fail a turn.
 *
 * No AWS and no node I/O here: a file path in an override is read through the `readFile` callback the
 * caller passes (lib/ and adapters pass `fs.readFileSync`).
 */
import * as z from 'zod';
import defaultRegistryJson from '../../config/agents.json' with { type: 'json' };

/** core = runs every turn; sync = runs when requested (or needed by one); async = after the commit. */
export const AgentTypeSchema = z.enum(['core', 'sync', 'async']);
export type AgentType = z.infer<typeof AgentTypeSchema>;

/** agent = runs in the fan-out graph; responder = writes the reply (primary or a specialist). */
export const AgentRoleSchema = z.enum(['agent', 'responder']);
export type AgentRole = z.infer<typeof AgentRoleSchema>;

/**
 * Where an agent runs. `lambda` without `function_arn` = the built-in reference agent (one function per
 * agent, created by the AgentWorkflow construct); with `function_arn` = a team's own Lambda.
 * `http` = a team's service speaking the contract over `POST <url>` (seed style `/process`).
 */
export type AgentTarget = { type: 'lambda'; function_arn?: string } | { type: 'http'; url: string };

/** The seed's SERVICE_TIMEOUTS entry (httpx.Timeout), in seconds. */
export const TimeoutProfileSchema = z.object({
  connect: z.number().positive(),
  read: z.number().positive(),
  write: z.number().positive(),
  pool: z.number().positive(),
});
export type TimeoutProfile = z.infer<typeof TimeoutProfileSchema>;

/**
 * Retry policy. HTTP agents follow the seed exactly: `max_retries` retries for 5xx/timeouts with a delay of
 * `base_delay_seconds · backoff_rate^(n-1)`, at most `connection_retries` retries for a refused connection,
 * never a retry for 400/401/403/404/422. Lambda agents: Step Functions retries transient Lambda service
 * errors `max_retries` times (interval rounded up to whole seconds, the ASL minimum).
 */
export const RetryPolicySchema = z.object({
  max_retries: z.number().int().min(0).max(10),
  base_delay_seconds: z.number().min(0).max(30),
  backoff_rate: z.number().min(1).max(10),
  connection_retries: z.number().int().min(0).max(10),
});
export type RetryPolicy = z.infer<typeof RetryPolicySchema>;

/** Circuit breaker: open after `failure_threshold` consecutive failures, half-open after the cool-down. */
export const BreakerPolicySchema = z.object({
  failure_threshold: z.number().int().min(1).max(1000),
  cool_down_seconds: z.number().min(0).max(86_400),
});
export type BreakerPolicy = z.infer<typeof BreakerPolicySchema>;

/** Agent names end up in state names, JSONPath keys and env names: keep them plain. */
const AGENT_NAME = /^[a-z][a-z0-9_]{0,39}$/;

const AgentConfigInputSchema = z.object({
  role: AgentRoleSchema.default('agent'),
  type: AgentTypeSchema,
  dependencies: z.array(z.string()).default([]),
  /** Optional ordering: run after these when they are selected this turn and receive their ok outputs. */
  after: z.array(z.string()).default([]),
  target: z.object({ type: z.string(), url: z.string().optional(), function_arn: z.string().optional() }).passthrough(),
  timeout: z.string().default('default'),
  retry: z.string().default('default'),
  breaker: BreakerPolicySchema.partial().optional(),
  /** The seed's port/path, kept for reference (a local HTTP agent). */
  port: z.number().int().optional(),
  path: z.string().optional(),
});

const RegistryInputSchema = z.object({
  version: z.literal(1).default(1),
  timeouts: z.record(z.string(), TimeoutProfileSchema),
  retry_policies: z.record(z.string(), RetryPolicySchema),
  breaker: BreakerPolicySchema,
  agents: z.record(z.string(), AgentConfigInputSchema),
});

/** One agent of the registry, normalized (every optional field filled). */
export interface AgentConfig {
  name: string;
  role: AgentRole;
  type: AgentType;
  dependencies: string[];
  after: string[];
  target: AgentTarget;
  timeout: string;
  retry: string;
  breaker?: Partial<BreakerPolicy>;
  port?: number;
  path?: string;
}

/** The whole registry: agents plus the named timeout profiles and retry policies they refer to. */
export interface AgentRegistry {
  version: 1;
  timeouts: Record<string, TimeoutProfile>;
  retry_policies: Record<string, RetryPolicy>;
  breaker: BreakerPolicy;
  agents: Record<string, AgentConfig>;
}

/** The responders the workflow routes to (ResponderNameSchema in the contracts). */
export const RESPONDERS = ['primary', 'loneliness', 'accountability', 'therapy'] as const;

/** What went wrong in a registry, with the agents involved. */
export interface RegistryProblem {
  code:
    | 'invalid_shape'
    | 'invalid_name'
    | 'unknown_dependency'
    | 'cycle'
    | 'sync_depends_on_async'
    | 'depends_on_responder'
    | 'responder_with_dependencies'
    | 'async_responder'
    | 'missing_responder'
    | 'unknown_target'
    | 'missing_url'
    | 'unknown_timeout_profile'
    | 'unknown_retry_policy';
  agents: string[];
  message: string;
}

/** The registry cannot be used. `problems` lists every issue found; `agents` is every agent named. */
export class RegistryValidationError extends Error {
  override readonly name = 'RegistryValidationError';
  readonly agents: string[];
  constructor(readonly problems: RegistryProblem[]) {
    super(`agent registry invalid: ${problems.map((p) => p.message).join('; ')}`);
    this.agents = [...new Set(problems.flatMap((p) => p.agents))].sort();
  }
}

/** A service named in a request is not a selectable agent of the registry. */
export class UnknownServiceError extends Error {
  override readonly name = 'UnknownServiceError';
  constructor(readonly services: string[], readonly accepted: string[]) {
    super(`unknown service(s) ${services.join(', ')}; accepted: ${accepted.join(', ')}`);
  }
}

/** An override could not be read or parsed (names where it came from). */
export class RegistryOverrideError extends Error {
  override readonly name = 'RegistryOverrideError';
  constructor(readonly source: string, message: string, options?: { cause?: unknown }) {
    super(`agent registry override from ${source}: ${message}`, options);
  }
}

/**
 * An override: the registry's shape, every part optional. Agents merge field by field over the base
 * (`null` removes an agent, and drops it from others' `after` lists); profiles/policies replace by name.
 */
export interface RegistryOverride {
  timeouts?: Record<string, TimeoutProfile>;
  retry_policies?: Record<string, RetryPolicy>;
  breaker?: Partial<BreakerPolicy>;
  agents?: Record<string, (Partial<Omit<AgentConfig, 'name'>> & Record<string, unknown>) | null>;
}

function normalizeAgent(name: string, raw: z.infer<typeof AgentConfigInputSchema>): AgentConfig {
  const t = raw.target;
  const target: AgentTarget =
    t.type === 'http'
      ? { type: 'http', url: t.url ?? '' }
      : t.type === 'lambda'
        ? t.function_arn
          ? { type: 'lambda', function_arn: t.function_arn }
          : { type: 'lambda' }
        : ({ type: t.type } as unknown as AgentTarget); // kept so validateRegistry can name it
  const agent: AgentConfig = {
    name,
    role: raw.role,
    type: raw.type,
    dependencies: [...raw.dependencies],
    after: [...raw.after],
    target,
    timeout: raw.timeout,
    retry: raw.retry,
  };
  if (raw.breaker) agent.breaker = raw.breaker;
  if (raw.port !== undefined) agent.port = raw.port;
  if (raw.path !== undefined) agent.path = raw.path;
  return agent;
}

/** Parse (shape only) a registry document into the normalized form. Throws RegistryValidationError. */
export function parseRegistry(doc: unknown): AgentRegistry {
  const parsed = RegistryInputSchema.safeParse(doc);
  if (!parsed.success) {
    const problems: RegistryProblem[] = parsed.error.issues.map((i) => {
      const agent = i.path[0] === 'agents' && typeof i.path[1] === 'string' ? [i.path[1]] : [];
      return { code: 'invalid_shape', agents: agent, message: `${i.path.join('.') || '(root)'}: ${i.message}` };
    });
    throw new RegistryValidationError(problems);
  }
  const p = parsed.data;
  return {
    version: 1,
    timeouts: { ...p.timeouts },
    retry_policies: { ...p.retry_policies },
    breaker: { ...p.breaker },
    agents: Object.fromEntries(Object.entries(p.agents).map(([n, a]) => [n, normalizeAgent(n, a)])),
  };
}

/** Apply an override to a registry (pure; returns a new registry, not yet validated). */
export function mergeRegistry(base: AgentRegistry, override: RegistryOverride): AgentRegistry {
  const removed = new Set<string>();
  const agents: Record<string, unknown> = Object.fromEntries(
    Object.entries(base.agents).map(([n, a]) => [n, { ...a }]),
  );
  for (const [name, patch] of Object.entries(override.agents ?? {})) {
    if (patch === null) {
      delete agents[name];
      removed.add(name);
      continue;
    }
    agents[name] = { ...(agents[name] as object | undefined), ...patch };
  }
  for (const a of Object.values(agents) as Array<{ after?: string[] }>) {
    if (a.after) a.after = a.after.filter((n) => !removed.has(n));
  }
  const doc = {
    version: 1,
    timeouts: { ...base.timeouts, ...override.timeouts },
    retry_policies: { ...base.retry_policies, ...override.retry_policies },
    breaker: { ...base.breaker, ...override.breaker },
    agents: Object.fromEntries(
      Object.entries(agents).map(([n, a]) => {
        const { name: _ignored, ...rest } = a as { name?: string };
        return [n, rest];
      }),
    ),
  };
  return parseRegistry(doc);
}

/** The registry shipped in config/agents.json (not yet overridden). */
export function defaultRegistry(): AgentRegistry {
  return parseRegistry(structuredClone(defaultRegistryJson));
}

/** Options for {@link loadRegistry}. */
export interface LoadRegistryOptions {
  /** CDK context `agents` at synth: an override object, inline JSON, or a file path. */
  context?: unknown;
  /**
   * Environment (defaults to process.env when present). Read: AGENT_REGISTRY (inline JSON or a file path,
   * an override), then `<AGENT>_SERVICE_URL` (e.g. NUTRITION_SERVICE_URL, PRIMARY_SERVICE_URL), which turn
   * that agent into an HTTP target. CHECKPOINT_URL is not an agent (the checkpoint source reads it).
   */
  env?: Record<string, string | undefined>;
  /** Reads a file named in context/env (UTF-8). Without it, a file path is an error. */
  readFile?: (path: string) => string;
  /** Base registry (defaults to config/agents.json). */
  base?: AgentRegistry;
}

function parseOverride(value: unknown, source: string, readFile?: (path: string) => string): RegistryOverride | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'object') return value as RegistryOverride;
  if (typeof value !== 'string') throw new RegistryOverrideError(source, 'expected an object, inline JSON or a file path');
  const text = value.trim();
  let json = text;
  if (!text.startsWith('{')) {
    if (!readFile) throw new RegistryOverrideError(source, `"${text}" looks like a file path but no readFile was given`);
    try {
      json = readFile(text);
    } catch (cause) {
      throw new RegistryOverrideError(source, `cannot read file ${text}`, { cause });
    }
  }
  try {
    return JSON.parse(json) as RegistryOverride;
  } catch (cause) {
    throw new RegistryOverrideError(source, 'not valid JSON', { cause });
  }
}

/** Env name that points an agent at an HTTP service: nutrition → NUTRITION_SERVICE_URL. */
export function serviceUrlEnvName(agent: string): string {
  return `${agent.toUpperCase()}_SERVICE_URL`;
}

/**
 * Build the registry in effect: config/agents.json ← CDK context `agents` ← env AGENT_REGISTRY ←
 * `<AGENT>_SERVICE_URL` env vars; then validate it. Throws RegistryValidationError / RegistryOverrideError.
 */
export function loadRegistry(options: LoadRegistryOptions = {}): AgentRegistry {
  const env = options.env ?? (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
  let registry = options.base ?? defaultRegistry();
  const fromContext = parseOverride(options.context, 'CDK context "agents"', options.readFile);
  if (fromContext) registry = mergeRegistry(registry, fromContext);
  const fromEnv = parseOverride(env.AGENT_REGISTRY, 'env AGENT_REGISTRY', options.readFile);
  if (fromEnv) registry = mergeRegistry(registry, fromEnv);
  const urls: NonNullable<RegistryOverride['agents']> = {};
  for (const name of Object.keys(registry.agents)) {
    const url = env[serviceUrlEnvName(name)]?.trim();
    if (url) urls[name] = { target: { type: 'http', url } };
  }
  if (Object.keys(urls).length > 0) registry = mergeRegistry(registry, { agents: urls });
  validateRegistry(registry);
  return registry;
}

/** Every dependency edge (hard and `after`) of the graph agents. */
/** Every dependency edge (hard and `after`) of an agent: what it must wait for when both run. */
export function agentEdges(agent: AgentConfig): string[] {
  return [...agent.dependencies, ...agent.after];
}

/**
 * Check the graph: names, unknown dependencies, cycles, a sync/core agent depending on an async one,
 * dependencies on responders, unknown targets/missing URLs, unknown timeout profiles and retry policies,
 * the four responders present. Throws one RegistryValidationError listing every problem.
 */
export function validateRegistry(registry: AgentRegistry): void {
  const problems: RegistryProblem[] = [];
  const agents = registry.agents;
  for (const a of Object.values(agents)) {
    if (!AGENT_NAME.test(a.name)) {
      problems.push({ code: 'invalid_name', agents: [a.name], message: `agent name "${a.name}" must match ${AGENT_NAME}` });
    }
    for (const dep of agentEdges(a)) {
      const d = agents[dep];
      if (!d) {
        problems.push({ code: 'unknown_dependency', agents: [a.name, dep], message: `${a.name} depends on unknown agent ${dep}` });
        continue;
      }
      if (d.role === 'responder') {
        problems.push({ code: 'depends_on_responder', agents: [a.name, dep], message: `${a.name} depends on responder ${dep}, which runs after every agent` });
      } else if (d.type === 'async' && a.type !== 'async') {
        problems.push({ code: 'sync_depends_on_async', agents: [a.name, dep], message: `${a.type} agent ${a.name} depends on async agent ${dep}, which runs only after the turn` });
      }
    }
    if (a.role === 'responder' && agentEdges(a).length > 0) {
      problems.push({ code: 'responder_with_dependencies', agents: [a.name], message: `responder ${a.name} cannot declare dependencies: it receives every ok agent output` });
    }
    if (a.role === 'responder' && a.type === 'async') {
      problems.push({ code: 'async_responder', agents: [a.name], message: `responder ${a.name} cannot be async` });
    }
    const target = a.target as { type: string; url?: string };
    if (target.type !== 'lambda' && target.type !== 'http') {
      problems.push({ code: 'unknown_target', agents: [a.name], message: `${a.name} has unknown target type "${target.type}" (lambda | http)` });
    } else if (target.type === 'http' && !/^https?:\/\/[^\s/]+/.test(target.url ?? '')) {
      problems.push({ code: 'missing_url', agents: [a.name], message: `${a.name} is an http target without a valid http(s) url` });
    }
    if (!registry.timeouts[a.timeout]) {
      problems.push({
        code: 'unknown_timeout_profile',
        agents: [a.name],
        message: `${a.name} uses unknown timeout profile "${a.timeout}" (known: ${Object.keys(registry.timeouts).join(', ')})`,
      });
    }
    if (!registry.retry_policies[a.retry]) {
      problems.push({
        code: 'unknown_retry_policy',
        agents: [a.name],
        message: `${a.name} uses unknown retry policy "${a.retry}" (known: ${Object.keys(registry.retry_policies).join(', ')})`,
      });
    }
  }
  for (const r of RESPONDERS) {
    if (!agents[r] || agents[r].role !== 'responder') {
      problems.push({ code: 'missing_responder', agents: [r], message: `responder ${r} must be in the registry with role "responder"` });
    }
  }
  for (const cycle of findCycles(registry)) {
    problems.push({ code: 'cycle', agents: cycle, message: `dependency cycle: ${[...cycle, cycle[0]].join(' → ')}` });
  }
  if (problems.length > 0) throw new RegistryValidationError(problems);
}

/** Cycles among known agents (each reported once, as the list of agents on it). */
function findCycles(registry: AgentRegistry): string[][] {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of agentEdges(registry.agents[name]!)) {
      if (!registry.agents[dep]) continue;
      const s = state.get(dep);
      if (s === 'visiting') {
        const cycle = stack.slice(stack.indexOf(dep));
        const key = [...cycle].sort().join(',');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cycle);
        }
      } else if (s === undefined) {
        visit(dep);
      }
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const name of Object.keys(registry.agents).sort()) if (!state.has(name)) visit(name);
  return cycles;
}


/** The agents (graph agents and responders) whose target is the shared HTTP invoker function. */
export function httpTargets(registry: AgentRegistry): string[] {
  return Object.values(registry.agents)
    .filter((a) => a.target.type === 'http')
    .map((a) => a.name)
    .sort();
}

/**
 * The smallest override that turns `base` into `registry` (`mergeRegistry(base, result)` equals `registry`):
 * changed or added agents in full, removed agents as null, changed profiles/policies, the breaker if it
 * differs. Functions receive this in AGENT_REGISTRY instead of the whole registry, which keeps their
 * environment far below Lambda's 4 KB limit; the default registry ships inside the bundle.
 */
export function registryOverrideFrom(base: AgentRegistry, registry: AgentRegistry): RegistryOverride {
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);
  const out: RegistryOverride = {};
  const agents: NonNullable<RegistryOverride['agents']> = {};
  for (const [name, agent] of Object.entries(registry.agents)) {
    if (same(base.agents[name], agent)) continue;
    const { name: _name, ...config } = agent;
    agents[name] = config;
  }
  for (const name of Object.keys(base.agents)) if (!(name in registry.agents)) agents[name] = null;
  if (Object.keys(agents).length > 0) out.agents = agents;
  const changed = <T>(b: Record<string, T>, r: Record<string, T>): Record<string, T> | undefined => {
    const diff = Object.fromEntries(Object.entries(r).filter(([k, v]) => !same(b[k], v)));
    return Object.keys(diff).length > 0 ? diff : undefined;
  };
  const timeouts = changed(base.timeouts, registry.timeouts);
  if (timeouts) out.timeouts = timeouts;
  const retry = changed(base.retry_policies, registry.retry_policies);
  if (retry) out.retry_policies = retry;
  if (!same(base.breaker, registry.breaker)) out.breaker = registry.breaker;
  return out;
}
