import { describe, expect, it } from 'vitest';
import { CacheConfigError, WarmCache, flattenCacheStats, warmCacheOptionsFromEnv } from '../../../functions/adapters/warm-cache.js';

describe('WarmCache', () => {
  it('copies once on set and hands out that deep-frozen copy: mutating what was set or got never changes the cached value', () => {
    const cache = new WarmCache();
    const value = { task_stack: [{ id: 'a' }] };
    cache.set('state', 'c1', value);
    value.task_stack.push({ id: 'mutated-after-set' });
    expect(Object.isFrozen(value)).toBe(false); // the caller's object is left alone
    const got = cache.get<typeof value>('state', 'c1')!;
    expect(got.task_stack).toEqual([{ id: 'a' }]);
    expect(() => got.task_stack.push({ id: 'mutated-after-get' })).toThrow(TypeError);
    expect(() => {
      got.task_stack[0]!.id = 'b';
    }).toThrow(TypeError);
    // No clone per read: two reads share the one frozen copy.
    expect(cache.get<typeof value>('state', 'c1')).toBe(got);
    expect(cache.get<typeof value>('state', 'c1')!.task_stack).toEqual([{ id: 'a' }]);
  });

  it('expires each kind after its own TTL (seed policy: state 1 h, evaluation 1 min)', () => {
    let now = 1_000_000;
    const cache = new WarmCache({ now: () => now });
    cache.set('state', 'k', 1);
    cache.set('checkpoint_evaluation', 'k', 2);
    cache.set('task', 'k', 3);
    now = 1_061_000;
    expect(cache.get('checkpoint_evaluation', 'k')).toBeUndefined();
    expect(cache.get('state', 'k')).toBe(1);
    expect(cache.get('task', 'k')).toBe(3);
    now = 1_301_000;
    expect(cache.get('task', 'k')).toBeUndefined();
    expect(cache.get('state', 'k')).toBe(1);
    now = 4_601_000;
    expect(cache.get('state', 'k')).toBeUndefined();
    const s = cache.stats();
    expect(s.kinds.checkpoint_evaluation.expirations).toBe(1);
    expect(s.kinds.state).toMatchObject({ hits: 2, misses: 1, expirations: 1 });
  });

  it('is bounded: the least recently used entry is evicted and counted per kind', () => {
    const cache = new WarmCache({ maxEntries: 2 });
    cache.set('state', 'a', 1);
    cache.set('context', 'b', 2);
    cache.get('state', 'a'); // a is now more recent than b
    cache.set('task', 'c', 3);
    expect(cache.get('context', 'b')).toBeUndefined();
    expect(cache.get('state', 'a')).toBe(1);
    const s = cache.stats();
    expect(s.entries).toBe(2);
    expect(s.kinds.context.evictions).toBe(1);
    expect(s.kinds.state.evictions).toBe(0);
    expect(s.kinds.state.hit_rate).toBe(1);
    expect(flattenCacheStats(s)).toMatchObject({ cache_entries: 2, cache_context_evictions: 1, cache_state_hits: 2, cache_state_misses: 0 });
  });

  it('counts invalidations and exposes a KeyValueCache view for the engine', () => {
    const cache = new WarmCache();
    const evaluations = cache.view<{ complete: boolean }>('checkpoint_evaluation');
    evaluations.set('cp1', { complete: true });
    expect(evaluations.get('cp1')).toEqual({ complete: true });
    expect(evaluations.get('cp2')).toBeUndefined();
    cache.delete('checkpoint_evaluation', 'cp1');
    expect(evaluations.get('cp1')).toBeUndefined();
    expect(cache.stats().kinds.checkpoint_evaluation).toMatchObject({ hits: 1, misses: 2, invalidations: 1, sets: 1 });
  });

  it('reads limits from env and rejects nonsense by variable name', () => {
    const options = warmCacheOptionsFromEnv({ CACHE_MAX_ENTRIES: '5', CACHE_TTL_STATE_SECONDS: '10', CACHE_TTL_CONTEXT_SECONDS: '0' });
    const cache = new WarmCache(options);
    expect(cache.stats()).toMatchObject({ max_entries: 5, ttl_seconds: { state: 10, context: 0, task: 300, checkpoint_evaluation: 60 } });
    cache.set('context', 'x', 1); // TTL 0 = that kind is not cached
    expect(cache.get('context', 'x')).toBeUndefined();
    expect(() => warmCacheOptionsFromEnv({ CACHE_TTL_TASK_SECONDS: 'soon' })).toThrow(CacheConfigError);
    expect(() => warmCacheOptionsFromEnv({ CACHE_TTL_TASK_SECONDS: 'soon' })).toThrow(/CACHE_TTL_TASK_SECONDS/);
  });
});
