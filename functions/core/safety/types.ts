/** Crisis categories and severities shared by the safety floor, the guidance and the reference agent. */
export const CRISIS_CATEGORIES = ['suicidal_intent', 'self_harm', 'overdose', 'abuse', 'medical_emergency'] as const;
export type CrisisCategory = (typeof CRISIS_CATEGORIES)[number];

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Order of severities (a higher rank is more severe); 0 = no concern. */
export const SEVERITY_RANK: Record<Severity, number> = { low: 1, medium: 2, high: 3, critical: 4 };

/** The more severe of two severities (null = none). */
export function maxSeverity(a: Severity | null, b: Severity | null): Severity | null {
  if (a === null) return b;
  if (b === null) return a;
  return SEVERITY_RANK[b] > SEVERITY_RANK[a] ? b : a;
}

export function isCrisisCategory(value: unknown): value is CrisisCategory {
  return typeof value === 'string' && (CRISIS_CATEGORIES as readonly string[]).includes(value);
}
