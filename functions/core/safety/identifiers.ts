/**
 * Personal identifiers (emails, phone numbers, SSN-like numbers, dates of birth, street addresses, card
 * numbers): ONE implementation shared by the reference privacy agent (functions/agents/privacy.ts) and the
 * orchestrator's built-in redaction floor (redaction.ts), so both redact exactly the same things.
 *
 * Findings report the type and character span of each entity, never its value. Every pattern uses bounded
 * quantifiers over disjoint classes, so the scan is linear; a text longer than MAX_PRIVACY_CHARS is cut
 * there (the tail is dropped, never passed through unredacted).
 */

/** Beyond this many characters the redacted text is truncated (the orchestrator's own limit is lower). */
export const MAX_PRIVACY_CHARS = 200_000;

export type EntityType = 'email' | 'phone' | 'ssn' | 'dob' | 'address' | 'card';

/** A personal identifier found in the text: its type and span in the original text. */
export interface PrivacyEntity {
  type: EntityType;
  start: number;
  end: number;
}

/** Placeholders substituted for each entity type. */
export const PLACEHOLDERS: Record<EntityType, string> = {
  email: '[EMAIL]',
  phone: '[PHONE]',
  ssn: '[SSN]',
  dob: '[DOB]',
  address: '[ADDRESS]',
  card: '[CARD]',
};

/** When two candidates overlap, the one with the higher priority wins. */
const PRIORITY: Record<EntityType, number> = { email: 6, card: 5, ssn: 4, dob: 3, phone: 2, address: 1 };

const EMAIL_RE = /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,8}\.[A-Za-z]{2,24}/g;
const SSN_RE = /(?<![\d-])\d{3}[- ]\d{2}[- ]\d{4}(?![\d-])/g;
const SSN_LABELLED_RE = /\b(?:ssn|social security(?: number)?|seguro social)\b[^\d\n]{0,20}(\d{9})(?!\d)/gi;
const CARD_RE = /(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)/g;
const PHONE_RE = /(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?\d{2,4}(?:[ .-]?\d{2,4}){1,4}(?![\w])/g;

const MONTHS =
  'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|jun(?:e)?|jul(?:y)?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|' +
  'enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre';
const DATE_SOURCE =
  `\\d{1,2}[/.-]\\d{1,2}[/.-]\\d{2,4}` +
  `|\\d{4}-\\d{1,2}-\\d{1,2}` +
  `|(?:${MONTHS})\\.? \\d{1,2}(?:st|nd|rd|th)?,? \\d{4}` +
  `|\\d{1,2}(?:st|nd|rd|th)? (?:of |de )?(?:${MONTHS}),?(?: of| de)? \\d{4}`;
/** A date-of-birth trigger followed (within 30 characters) by a date. */
const DOB_RE = new RegExp(
  `\\b(?:dob|d\\.o\\.b\\.?|date of birth|birth ?date|birthday(?: is)?|born(?: on| in)?|fecha de nacimiento|nac[ií]d[oa] el|nac[ií] el)\\b[^\\n\\d]{0,30}?(${DATE_SOURCE})`,
  'giu',
);

const STREET_SUFFIX =
  'street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|terrace|parkway|pkwy|circle|cir|highway|hwy|square|sq';
const ADDRESS_RE = new RegExp(
  `\\b\\d{1,6}[A-Za-z]? (?:[NSEW]\\.? )?((?:[A-Za-z][A-Za-z'-]{0,20} ){1,3})(${STREET_SUFFIX})\\b\\.?(?:,? ?(?:apt|apartment|unit|suite|ste|#) ?\\.? ?[A-Za-z0-9-]{1,6})?`,
  'gi',
);
const ADDRESS_ES_RE =
  /\b(?:calle|avenida|avda\.?|av\.|carrera|paseo|plaza|rua|camino)(?: [\p{L}'-]{1,20}){1,4},? (?:n[ºo°]\.? ?)?\d{1,5}(?:[ ,]{1,2}\d{1,2}[ºª°]? ?[A-Za-z]?)?/giu;
const PO_BOX_RE = /\b(?:p\.? ?o\.? box|apartado(?: postal)?) ?\d{1,8}\b/gi;
/** Suffixes that name a street in any case ("12 main street"); the others need "12 Pine Ct". */
const UNAMBIGUOUS_SUFFIX = new Set(['street', 'avenue', 'road', 'boulevard', 'lane', 'highway', 'parkway', 'blvd', 'ave']);
/** Words that make "3 blocks down the street" a walk, not an address. */
const NOT_ADDRESS_WORDS = new Set([
  'the', 'a', 'an', 'my', 'our', 'to', 'of', 'on', 'in', 'at', 'down', 'up', 'along', 'across', 'around',
  'blocks', 'block', 'miles', 'mile', 'times', 'minutes', 'hours', 'km', 'steps', 'laps', 'and', 'or',
  'more', 'less', 'long', 'short', 'big', 'small', 'good', 'bad', 'nice', 'great', 'other', 'last', 'next',
  'first', 'extra', 'whole', 'full', 'half', 'few', 'every', 'each', 'same', 'different', 'hour', 'min',
  'this', 'that', 'these', 'those', 'some', 'any', 'mins', 'i', 'we', 'you', 'it', 'was', 'is', 'for', 'from',
]);

/** Luhn checksum over a string of digits (card numbers). */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i -= 1) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

function digitsOf(s: string): string {
  return s.replace(/\D/g, '');
}

/** A phone number by shape: +country with 8-15 digits, or a 10-digit (11 with leading 1) US number, or 555-1234. */
function looksLikePhone(candidate: string): boolean {
  const digits = digitsOf(candidate);
  if (candidate.startsWith('+')) return digits.length >= 8 && digits.length <= 15;
  if (digits.length === 10) return true;
  if (digits.length === 11 && digits.startsWith('1')) return true;
  if (digits.length === 7 && /^\d{3}[ .-]\d{4}$/.test(candidate)) return true;
  // International without "+": "0034 612 345 678", "020 7946 0958".
  if (digits.length >= 10 && digits.length <= 14 && candidate.startsWith('0') && /[ .-]/.test(candidate)) return true;
  return false;
}

/** Finds every personal identifier in `text` (already capped), overlap-free, in text order. */
export function findEntities(text: string): PrivacyEntity[] {
  const candidates: PrivacyEntity[] = [];
  const add = (type: EntityType, start: number, end: number) => candidates.push({ type, start, end });

  if (text.includes('@')) for (const m of text.matchAll(EMAIL_RE)) add('email', m.index, m.index + m[0].length);
  for (const m of text.matchAll(CARD_RE)) {
    const digits = digitsOf(m[0]);
    if (digits.length >= 13 && digits.length <= 19 && luhnValid(digits)) add('card', m.index, m.index + m[0].length);
  }
  for (const m of text.matchAll(SSN_RE)) add('ssn', m.index, m.index + m[0].length);
  for (const m of text.matchAll(SSN_LABELLED_RE)) {
    const start = m.index + m[0].length - m[1]!.length;
    add('ssn', start, start + m[1]!.length);
  }
  for (const m of text.matchAll(DOB_RE)) {
    const start = m.index + m[0].length - m[1]!.length;
    add('dob', start, start + m[1]!.length);
  }
  for (const m of text.matchAll(PHONE_RE)) {
    if (looksLikePhone(m[0])) add('phone', m.index, m.index + m[0].length);
  }
  for (const m of text.matchAll(ADDRESS_RE)) {
    const names = m[1]!.trim().split(' ');
    if (names.some((w) => NOT_ADDRESS_WORDS.has(w.toLowerCase()))) continue;
    // "2 more dr appointments", "1 long drive": a short or everyday suffix needs a capitalised street name.
    if (!UNAMBIGUOUS_SUFFIX.has(m[2]!.toLowerCase()) && !names.every((w) => /^[A-Z0-9]/.test(w))) continue;
    add('address', m.index, m.index + m[0].length);
  }
  for (const m of text.matchAll(ADDRESS_ES_RE)) add('address', m.index, m.index + m[0].length);
  for (const m of text.matchAll(PO_BOX_RE)) add('address', m.index, m.index + m[0].length);

  // Resolve overlaps: higher priority first, then longer, then earlier.
  candidates.sort(
    (a, b) => PRIORITY[b.type] - PRIORITY[a.type] || b.end - b.start - (a.end - a.start) || a.start - b.start,
  );
  // `kept` stays sorted by start and disjoint, so only the neighbours of the insertion point can overlap
  // (binary search: thousands of candidates in a long paste stay O(n log n), not O(n²)).
  const kept: PrivacyEntity[] = [];
  for (const c of candidates) {
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (kept[mid]!.start < c.start) lo = mid + 1;
      else hi = mid;
    }
    const prev = kept[lo - 1];
    const next = kept[lo];
    if ((prev && prev.end > c.start) || (next && next.start < c.end)) continue;
    kept.splice(lo, 0, c);
  }
  return kept;
}

/** The text with every entity replaced by its placeholder, plus the entities (spans in the original). */
export function redact(text: string): { text: string; entities: PrivacyEntity[]; truncated: boolean } {
  const truncated = text.length > MAX_PRIVACY_CHARS;
  const source = truncated ? text.slice(0, MAX_PRIVACY_CHARS) : text;
  const entities = findEntities(source);
  let out = '';
  let at = 0;
  for (const e of entities) {
    out += source.slice(at, e.start) + PLACEHOLDERS[e.type];
    at = e.end;
  }
  out += source.slice(at);
  if (truncated) out += ' [TRUNCATED]';
  return { text: out, entities, truncated };
}

