/**
 * Crisis guidance from configuration (config/safety/guidance.json, bundled): per deployment region
 * (SAFETY_REGION, default US), language (en|es, from core/language.ts) and category, with optional
 * per-severity wording. Numbers and wording never live in the engine.
 *
 * A reply "carries the guidance" of a category when it contains every `required` marker (e.g. "988",
 * "911", the hotline number) of that category in the reply's language or the region's other language.
 * That is how a responder's own safety-aware reply is recognised and kept; any other reply of an escalating
 * turn is replaced by the configured guidance.
 */
import * as z from 'zod';
import raw from '../../../config/safety/guidance.json' with { type: 'json' };
import { detectLanguage, type Language } from '../language.js';
import { SEVERITIES, type CrisisCategory, type Severity } from './types.js';

/** Guidance keys: the crisis categories plus `unspecified` (an agent's escalation without a known category). */
export type GuidanceCategory = CrisisCategory | 'unspecified';

const EntrySchema = z.object({ text: z.string().min(1).max(1500), required: z.array(z.string().min(1)).min(1) });
const CategorySchema = EntrySchema.extend(
  Object.fromEntries(SEVERITIES.map((s) => [s, EntrySchema.optional()])) as Record<Severity, z.ZodOptional<typeof EntrySchema>>,
);
const LanguageSchema = z.object({
  suicidal_intent: CategorySchema,
  self_harm: CategorySchema,
  overdose: CategorySchema,
  abuse: CategorySchema,
  medical_emergency: CategorySchema,
  unspecified: CategorySchema,
});
export const GuidanceConfigSchema = z.object({
  default_region: z.string().min(1),
  regions: z.record(z.string(), z.object({ en: LanguageSchema, es: LanguageSchema })),
});
export type GuidanceConfig = z.infer<typeof GuidanceConfigSchema>;

/** One piece of guidance: the text and the markers that prove a reply carries it. */
export interface Guidance {
  text: string;
  required: string[];
}

/** The bundled configuration, validated once at load (a broken file fails the cold start, not a turn). */
export const GUIDANCE_CONFIG: GuidanceConfig = GuidanceConfigSchema.parse(raw);

function regionOf(config: GuidanceConfig, region: string | undefined): GuidanceConfig['regions'][string] {
  return config.regions[region ?? ''] ?? config.regions[config.default_region]!;
}

/** The guidance for a category and severity in a language (severity-specific wording when configured). */
export function guidanceFor(
  category: GuidanceCategory,
  severity: Severity | null,
  language: Language,
  options: { region?: string; config?: GuidanceConfig } = {},
): Guidance {
  const entry = regionOf(options.config ?? GUIDANCE_CONFIG, options.region)[language][category];
  const specific = severity === null ? undefined : entry[severity];
  return specific ?? { text: entry.text, required: entry.required };
}

/** True when the reply contains every required marker of the guidance in either language of the region. */
export function carriesGuidance(
  reply: string,
  category: GuidanceCategory,
  severity: Severity | null,
  options: { region?: string; config?: GuidanceConfig } = {},
): boolean {
  const compact = reply.replace(/[\s().]/g, '');
  return (['en', 'es'] as const).some((lang) =>
    guidanceFor(category, severity, lang, options).required.every((marker) => compact.includes(marker.replace(/[\s().]/g, ''))),
  );
}

/**
 * The reply of an escalating (or held) turn: the responder's reply when it already carries the guidance of
 * every category concerned, otherwise the configured guidance — the primary category's, followed by the
 * other categories' when their markers are not in it yet (e.g. overdose + suicidal: 911 and 988).
 */
export function composeSafetyReply(args: {
  categories: readonly GuidanceCategory[];
  severity: Severity | null;
  language: Language;
  responderReply?: string | undefined;
  region?: string | undefined;
}): { reply: string; kept_responder_reply: boolean } {
  const options = args.region !== undefined ? { region: args.region } : {};
  const categories = args.categories.length > 0 ? [...new Set(args.categories)] : (['unspecified'] as GuidanceCategory[]);
  const severityOf = (i: number): Severity | null => (i === 0 ? args.severity : null);
  const responder = args.responderReply?.trim();
  // Kept only in the patient's language: an English crisis reply is no help to someone writing in Spanish.
  if (responder && detectLanguage(responder, args.language) === args.language && categories.every((c, i) => carriesGuidance(responder, c, severityOf(i), options))) {
    return { reply: responder, kept_responder_reply: true };
  }
  let reply = guidanceFor(categories[0]!, args.severity, args.language, options).text;
  for (const [i, c] of categories.entries()) {
    if (i === 0 || i > 2) continue;
    if (!carriesGuidance(reply, c, null, options)) reply += ` ${guidanceFor(c, null, args.language, options).text}`;
  }
  return { reply, kept_responder_reply: false };
}
