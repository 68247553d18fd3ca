/**
 * Warm in-container cache: one bounded LRU at module scope (it survives between invocations of a warm
 * Lambda container), with a TTL per kind of value taken from the seed's cache policy:
 *   conversation state 1 h · checkpoint evaluation 1 min · task state 5 min · context 5 min.
 * All limits are configurable by env (see `warmCacheOptionsFromEnv`).
 *
 * It is a read hint only: the store's version condition decides correctness, so a stale entry can cost a
 * conflict, never a lost update. A value is copied ONCE on the way in (structuredClone) and deep-frozen; reads
 * return that frozen copy without another clone. Nothing can corrupt it: the engine's functions never mutate
 * their input (the tests run them on frozen states), and an accidental write throws instead of silently
 * changing the cache. A caller that wants to change a value builds a new one (spread), as the engine does.
 * Hit/miss/eviction counts per kind feed metrics and the debug part of `timing_metrics`.
 */
import { LRUCache } from 'lru-cache';
import type { KeyValueCache } from '../core/ports.js';

/** What a cache entry holds; each kind has its own TTL and counters. */
export type CacheKind = 'state' | 'checkpoint_evaluation' | 'task' | 'context';

/** Every kind, in reporting order. */
export const CACHE_KINDS: readonly CacheKind[] = ['state', 'checkpoint_evaluation', 'task', 'context'];

/** The seed's cache policy, in seconds. */
export const DEFAULT_TTL_SECONDS: Readonly<Record<CacheKind, number>> = {
  state: 3600,
  checkpoint_evaluation: 60,
  task: 300,
  context: 300,
};

/** Seed LOCAL_CACHE_SIZE. */
export const DEFAULT_MAX_ENTRIES = 1000;
/** Memory bound (approximate, JSON characters) so a few huge values cannot crowd out a Lambda's heap. */
export const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;

export interface WarmCacheOptions {
  /** Most entries kept (all kinds together). */
  maxEntries?: number;
  /** Approximate memory bound in bytes (JSON length of the values). */
  maxBytes?: number;
  /** TTL per kind in seconds; 0 disables caching of that kind. */
  ttlSeconds?: Partial<Record<CacheKind, number>>;
  /** Monotonic milliseconds; injectable so tests can expire entries without waiting. */
  now?: () => number;
}

/** Counters of one kind since the cache was created (or `resetStats`). */
export interface CacheKindStats {
  hits: number;
  misses: number;
  /** Removed to make room (LRU capacity or memory bound). */
  evictions: number;
  /** Found past their TTL. */
  expirations: number;
  /** Dropped on purpose (version conflict, explicit delete). */
  invalidations: number;
  sets: number;
  /** hits / (hits + misses), 0 when nothing was asked. */
  hit_rate: number;
}

/** Snapshot for metrics, logs and the `timing_metrics` debug field. */
export interface WarmCacheStats {
  kinds: Record<CacheKind, CacheKindStats>;
  entries: number;
  approx_bytes: number;
  max_entries: number;
  max_bytes: number;
  ttl_seconds: Record<CacheKind, number>;
}

/** A configuration value that is not a non-negative number; names the variable. */
export class CacheConfigError extends Error {
  override readonly name = 'CacheConfigError';
  constructor(
    readonly variable: string,
    readonly value: string,
  ) {
    super(`${variable} must be a non-negative number, got "${value}"`);
  }
}

function readNumber(env: NodeJS.ProcessEnv, variable: string): number | undefined {
  const raw = env[variable];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new CacheConfigError(variable, raw);
  return value;
}

/**
 * Options from env: CACHE_MAX_ENTRIES, CACHE_MAX_BYTES, CACHE_TTL_STATE_SECONDS,
 * CACHE_TTL_CHECKPOINT_EVALUATION_SECONDS, CACHE_TTL_TASK_SECONDS, CACHE_TTL_CONTEXT_SECONDS.
 * Unset → the seed's defaults. A bad value is a CacheConfigError at cold start, not a silent default.
 */
export function warmCacheOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): WarmCacheOptions {
  const ttlSeconds: Partial<Record<CacheKind, number>> = {};
  for (const kind of CACHE_KINDS) {
    const value = readNumber(env, `CACHE_TTL_${kind.toUpperCase()}_SECONDS`);
    if (value !== undefined) ttlSeconds[kind] = value;
  }
  const options: WarmCacheOptions = { ttlSeconds };
  const maxEntries = readNumber(env, 'CACHE_MAX_ENTRIES');
  if (maxEntries !== undefined) options.maxEntries = maxEntries;
  const maxBytes = readNumber(env, 'CACHE_MAX_BYTES');
  if (maxBytes !== undefined) options.maxBytes = maxBytes;
  return options;
}

/** Freeze a plain-data value and everything in it (the cache's own copy). */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}

interface Entry {
  kind: CacheKind;
  value: unknown;
}

function emptyStats(): Record<CacheKind, Omit<CacheKindStats, 'hit_rate'>> {
  const stats = {} as Record<CacheKind, Omit<CacheKindStats, 'hit_rate'>>;
  for (const kind of CACHE_KINDS) stats[kind] = { hits: 0, misses: 0, evictions: 0, expirations: 0, invalidations: 0, sets: 0 };
  return stats;
}

/** The bounded, TTL'd, copy-on-read/write LRU. One per container (see `getWarmCache`); tests make their own. */
export class WarmCache {
  private readonly lru: LRUCache<string, Entry>;
  private readonly ttlMs: Record<CacheKind, number>;
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private counters = emptyStats();

  constructor(options: WarmCacheOptions = {}) {
    this.maxEntries = Math.max(1, Math.floor(options.maxEntries ?? DEFAULT_MAX_ENTRIES));
    this.maxBytes = Math.max(1, Math.floor(options.maxBytes ?? DEFAULT_MAX_BYTES));
    this.ttlMs = {} as Record<CacheKind, number>;
    for (const kind of CACHE_KINDS) this.ttlMs[kind] = (options.ttlSeconds?.[kind] ?? DEFAULT_TTL_SECONDS[kind]) * 1000;
    const now = options.now;
    this.lru = new LRUCache<string, Entry>({
      max: this.maxEntries,
      maxSize: this.maxBytes,
      // JSON length is a fair proxy for heap use of plain data; computed once per set, never on a read.
      sizeCalculation: (entry) => Math.max(1, JSON.stringify(entry.value)?.length ?? 1),
      // Freshness is checked on read; no timers (a frozen Lambda container must not wake up to purge).
      ttlAutopurge: false,
      // Read the clock on every check: a cached "now" would keep a just-expired entry alive a little longer.
      ttlResolution: 0,
      allowStale: false,
      updateAgeOnGet: false,
      ...(now ? { perf: { now } } : {}),
      dispose: (entry, _key, reason) => {
        const c = this.counters[entry.kind];
        if (reason === 'evict') c.evictions++;
        else if (reason === 'expire') c.expirations++;
      },
    });
  }

  private static key(kind: CacheKind, key: string): string {
    return `${kind}\u0000${key}`;
  }

  /** The fresh value (the cache's deep-frozen copy, shared: never mutate it), or undefined (a miss). */
  get<T>(kind: CacheKind, key: string): T | undefined {
    const entry = this.lru.get(WarmCache.key(kind, key));
    if (entry === undefined) {
      this.counters[kind].misses++;
      return undefined;
    }
    this.counters[kind].hits++;
    return entry.value as T;
  }

  /** Store a deep-frozen copy for the kind's TTL (or `ttlSeconds`). A TTL of 0 stores nothing. */
  set<T>(kind: CacheKind, key: string, value: T, ttlSeconds?: number): void {
    const ttl = ttlSeconds === undefined ? this.ttlMs[kind] : ttlSeconds * 1000;
    if (ttl <= 0) return;
    this.counters[kind].sets++;
    this.lru.set(WarmCache.key(kind, key), { kind, value: deepFreeze(structuredClone(value)) }, { ttl });
  }

  /** Drop one entry (e.g. after a version conflict proved it stale). */
  delete(kind: CacheKind, key: string): void {
    if (this.lru.delete(WarmCache.key(kind, key))) this.counters[kind].invalidations++;
  }

  /** Drop everything (counters are kept). */
  clear(): void {
    this.lru.clear();
  }

  /** Zero the counters (e.g. per benchmark phase). */
  resetStats(): void {
    this.counters = emptyStats();
  }

  /** Counters per kind and the current fill level. */
  stats(): WarmCacheStats {
    const kinds = {} as Record<CacheKind, CacheKindStats>;
    const ttl_seconds = {} as Record<CacheKind, number>;
    for (const kind of CACHE_KINDS) {
      const c = this.counters[kind];
      const asked = c.hits + c.misses;
      kinds[kind] = { ...c, hit_rate: asked === 0 ? 0 : c.hits / asked };
      ttl_seconds[kind] = this.ttlMs[kind] / 1000;
    }
    return {
      kinds,
      entries: this.lru.size,
      approx_bytes: this.lru.calculatedSize,
      max_entries: this.maxEntries,
      max_bytes: this.maxBytes,
      ttl_seconds,
    };
  }

  /** The engine's `KeyValueCache<T>` port over one kind of this cache (same TTL, counters, copies). */
  view<T>(kind: CacheKind): KeyValueCache<T> {
    return {
      get: (key) => this.get<T>(kind, key),
      set: (key, value) => this.set<T>(kind, key, value),
    };
  }
}

let containerCache: WarmCache | undefined;

/** The module-scope cache of this container, built from env on first use. */
export function getWarmCache(): WarmCache {
  containerCache ??= new WarmCache(warmCacheOptionsFromEnv());
  return containerCache;
}

/**
 * The stats as flat numbers (`cache_state_hits`, `cache_state_misses`, `cache_state_evictions`, …,
 * `cache_entries`), the shape `timing_metrics` (Record<string, number>) and metric dimensions take.
 */
export function flattenCacheStats(stats: WarmCacheStats): Record<string, number> {
  const flat: Record<string, number> = { cache_entries: stats.entries };
  for (const kind of CACHE_KINDS) {
    const k = stats.kinds[kind];
    flat[`cache_${kind}_hits`] = k.hits;
    flat[`cache_${kind}_misses`] = k.misses;
    flat[`cache_${kind}_evictions`] = k.evictions;
  }
  return flat;
}
