/**
 * Typed answers from one turn, for every checkpoint of the stack (the checklist agent's work). Each slot type
 * has an extractor that reads the turn's tokens (stems, near spellings, negation — ./nlp.ts) and the findings
 * of the agents that ran before the checklist (nutrition, medication, followup; computed locally when they
 * did not run). Values are structured facts — labels, numbers, short extracted phrases — never the sentence.
 *
 * Attribution: an answer that only makes sense as a reply to a question ("yes", "7", "none", "it went
 * fine") is credited only to the checkpoint being asked; unambiguous facts ("I had oatmeal for breakfast",
 * "two glasses of water", "I slept badly", "my daughter called") are credited to every checkpoint they
 * answer, asked or not, and noted by key for checkpoints that are not on the stack yet.
 */
import type { AgentOutput, CheckpointRef } from '../contracts/agent.js';
import type { SlotSpec, SlotValue } from '../contracts/slots.js';
import { slotFromCriteria } from '../core/slots/legacy.js';
import { acceptValue } from '../core/slots/types.js';
import * as medication from './medication.js';
import type { MedicationMention } from './medication.js';
import * as nutrition from './nutrition.js';
import type { Meal } from './nutrition.js';
import * as followup from './followup.js';
import type { FollowupItem } from './followup.js';
import { ConceptLexicon, numbersIn, refuses, saysNone, sentimentOf, wantsToStop, yesNo } from './nlp.js';
import { isNegated, tokenize, type Token } from './text.js';

/** What the extractors share for one turn. */
export interface TurnFacts {
  tokens: Token[];
  text: string;
  meals: Meal[];
  foods: string[];
  drinks: string[];
  waterMl: number;
  medications: Array<MedicationMention & { retracted?: boolean }>;
  adherence: string | null;
  double: boolean;
  sideEffects: string[];
  negatedSideEffects: string[];
  symptoms: string[];
  commitments: FollowupItem[];
  revisit: FollowupItem[];
  stop: boolean;
  refusal: boolean;
}

function findings(deps: Readonly<Record<string, AgentOutput>>, agent: string): Record<string, unknown> | undefined {
  const out = deps[agent];
  return out?.status === 'ok' ? out.findings : undefined;
}

function arr<T>(v: unknown): T[] {
  return Array.isArray(v) ? (v as T[]) : [];
}

const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 80;
const strings = (v: unknown): string[] => arr<unknown>(v).filter(str).slice(0, 20);
const MEAL_NAMES = new Set(['breakfast', 'lunch', 'dinner', 'snack']);

/** Another agent's meals, reduced to well-formed ones (a team's nutrition service may send anything). */
function cleanMeals(v: unknown): Meal[] {
  return arr<unknown>(v)
    .filter((m): m is Record<string, unknown> => typeof m === 'object' && m !== null && MEAL_NAMES.has(String((m as Record<string, unknown>)['meal'])))
    .map((m) => ({ meal: m['meal'] as Meal['meal'], foods: strings(m['foods']), drinks: strings(m['drinks']), skipped: m['skipped'] === true }))
    .slice(0, 8);
}

/** Another agent's medication mentions, reduced to well-formed ones. */
function cleanMedications(v: unknown): Array<MedicationMention & { retracted?: boolean }> {
  return arr<unknown>(v)
    .filter((m): m is Record<string, unknown> => typeof m === 'object' && m !== null && str((m as Record<string, unknown>)['name']))
    .map((m) => {
      const adherence: MedicationMention['adherence'] = m['adherence'] === 'taken' || m['adherence'] === 'missed' ? m['adherence'] : 'unknown';
      const mention: MedicationMention & { retracted?: boolean } = { name: String(m['name']), adherence };
      if (m['retracted'] === true) mention.retracted = true;
      return mention;
    })
    .slice(0, 20);
}

function cleanItems(v: unknown): FollowupItem[] {
  return arr<unknown>(v)
    .filter((i): i is FollowupItem => typeof i === 'object' && i !== null && str((i as FollowupItem).text) && ((i as FollowupItem).kind === 'commitment' || (i as FollowupItem).kind === 'revisit'))
    .map((i) => (i.due !== undefined && typeof i.due === 'object' && i.due !== null && str(i.due.text) ? i : { kind: i.kind, text: i.text }))
    .slice(0, 10);
}

/** Gather the turn's facts from dependency findings (or the same extraction done here when they did not run). */
export function turnFacts(text: string, deps: Readonly<Record<string, AgentOutput>>, askingAboutMedication: boolean): TurnFacts {
  const tokens = tokenize(text);
  const n = findings(deps, 'nutrition') ?? nutrition.extract(text);
  const m = findings(deps, 'medication') ?? medication.extract(text, { askingAboutMedication });
  const f = findings(deps, 'followup');
  const items = cleanItems(f !== undefined ? f['items'] : followup.extract(text));
  const water = (n as Record<string, unknown>)['water_ml'];
  return {
    tokens,
    text,
    meals: cleanMeals(n['meals']),
    foods: strings(n['foods']),
    drinks: strings(n['drinks']),
    waterMl: typeof water === 'number' && Number.isFinite(water) && water > 0 && water <= 20_000 ? Math.round(water) : 0,
    medications: cleanMedications(m['medications']),
    adherence: typeof m['adherence'] === 'string' ? m['adherence'] : null,
    double: (m as Record<string, unknown>)['double_dose'] === true,
    sideEffects: strings(m['side_effects']),
    negatedSideEffects: strings(m['negated_side_effects']),
    symptoms: strings(m['symptoms']),
    commitments: items.filter((i) => i.kind === 'commitment'),
    revisit: items.filter((i) => i.kind === 'revisit'),
    stop: wantsToStop(tokens),
    refusal: refuses(tokens),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Lexicons (concepts; matched by stem and near spelling, English and Spanish)
// ---------------------------------------------------------------------------------------------------------

const MOOD = new ConceptLexicon<string>([
  ['good', 'good'], ['great', 'great'], ['fine', 'fine'], ['okay', 'okay'], ['ok', 'okay'], ['alright', 'okay'],
  ['well', 'good'], ['happy', 'happy'], ['better', 'better'], ['calm', 'calm'], ['relaxed', 'calm'], ['excited', 'happy'],
  ['tired', 'tired'], ['exhausted', 'tired'], ['sleepy', 'tired'], ['sad', 'sad'], ['down', 'low'], ['low', 'low'],
  ['blue', 'low'], ['depressed', 'low'], ['bad', 'bad'], ['awful', 'bad'], ['terrible', 'bad'], ['horrible', 'bad'],
  ['lousy', 'bad'], ['crap', 'bad'], ['crappy', 'bad'], ['rough', 'bad'], ['worse', 'worse'], ['meh', 'meh'],
  ['so so', 'meh'], ['not great', 'meh'], ['stressed', 'stressed'], ['overwhelmed', 'stressed'], ['anxious', 'anxious'],
  ['nervous', 'anxious'], ['worried', 'worried'], ['lonely', 'lonely'], ['alone', 'lonely'], ['isolated', 'lonely'],
  ['connected', 'connected'], ['angry', 'angry'], ['upset', 'upset'], ['frustrated', 'frustrated'], ['sick', 'unwell'],
  ['unwell', 'unwell'], ['ill', 'unwell'], ['dizzy', 'unwell'], ['in pain', 'in pain'], ['hurting', 'in pain'],
  ['bien', 'good'], ['muy bien', 'great'], ['genial', 'great'], ['mal', 'bad'], ['fatal', 'bad'], ['regular', 'meh'],
  ['mas o menos', 'meh'], ['triste', 'sad'], ['deprimido', 'low'], ['deprimida', 'low'], ['bajoneado', 'low'],
  ['cansado', 'tired'], ['cansada', 'tired'], ['agotado', 'tired'], ['agotada', 'tired'], ['feliz', 'happy'],
  ['contento', 'happy'], ['contenta', 'happy'], ['tranquilo', 'calm'], ['tranquila', 'calm'], ['estresado', 'stressed'],
  ['estresada', 'stressed'], ['ansioso', 'anxious'], ['ansiosa', 'anxious'], ['preocupado', 'worried'],
  ['preocupada', 'worried'], ['solo', 'lonely'], ['sola', 'lonely'], ['acompanado', 'connected'], ['acompanada', 'connected'],
  ['enfermo', 'unwell'], ['enferma', 'unwell'], ['mejor', 'better'], ['peor', 'worse'], ['enojado', 'angry'], ['enojada', 'angry'],
]);
const POSITIVE_MOODS = new Set(['good', 'great', 'fine', 'okay', 'happy', 'better', 'calm', 'connected']);
const NEUTRAL_MOODS = new Set(['meh']);
/** Words that make a mood word about how the person feels ("I feel", "me siento"). */
const FEELING_CUES = new ConceptLexicon<true>(
  ['feel', 'feeling', 'felt', 'mood', 'me siento', 'siento', 'animo', 'me encuentro'].map((w) => [w, true] as const),
);
/** "I'm tired", "estoy triste": a state right after "I'm" counts, but not a bland "I'm ok / I'm back". */
const STATE_CUES = new ConceptLexicon<true>(["i'm", 'im', 'i am', 'estoy', 'ando', 'been'].map((w) => [w, true] as const));
const BLAND_MOODS = new Set(['okay', 'fine', 'good']);

const SLEEP_CUES = new ConceptLexicon<true>(
  [
    'slept', 'sleep', 'sleeping', 'night', 'woke', 'wake', 'awake', 'insomnia', 'nap', 'rested', 'bed', 'dream', 'nightmare',
    'dormi', 'dormir', 'dormido', 'dormida', 'sueno', 'noche', 'desperte', 'despertaba', 'desvele', 'desvelado', 'desvelada',
    'insomnio', 'descanse', 'cama', 'siesta',
  ].map((w) => [w, true] as const),
);

const REFILL = new ConceptLexicon<'enough' | 'low' | 'ordered' | 'due'>([
  ['plenty', 'enough'], ['enough', 'enough'], ['a lot left', 'enough'], ['lots left', 'enough'], ['full bottle', 'enough'],
  ['just refilled', 'enough'], ['just got', 'enough'], ['suficiente', 'enough'], ['de sobra', 'enough'], ['me quedan muchas', 'enough'],
  ['running low', 'low'], ['running out', 'low'], ['almost out', 'low'], ['nearly out', 'low'], ['low on', 'low'],
  ['few left', 'low'], ['se me acaba', 'low'], ['se me estan acabando', 'low'], ['me quedan pocas', 'low'], ['casi no me quedan', 'low'],
  ['ordered', 'ordered'], ['picked up', 'ordered'], ['pick it up', 'ordered'], ['called the pharmacy', 'ordered'],
  ['ya pedi', 'ordered'], ['ya la pedi', 'ordered'], ['ya recogi', 'ordered'], ['refill', 'due'], ['next week', 'due'],
  ['next month', 'due'], ['pharmacy', 'due'], ['prescription', 'due'], ['farmacia', 'due'], ['receta', 'due'], ['surtir', 'due'],
]);

const OUTCOME = new ConceptLexicon<'done' | 'partial' | 'not_done'>([
  ['did it', 'done'], ['done', 'done'], ['managed', 'done'], ['completed', 'done'], ['finished', 'done'], ['went well', 'done'],
  ['went great', 'done'], ['it went well', 'done'], ['succeeded', 'done'], ['nailed it', 'done'], ['i did', 'done'], ['did', 'done'],
  ['every day', 'done'], ['lo hice', 'done'], ['cumpli', 'done'], ['lo logre', 'done'], ['me fue bien', 'done'], ['bien', 'done'],
  ['partly', 'partial'], ['partially', 'partial'], ['some days', 'partial'], ['a few times', 'partial'], ['half', 'partial'],
  ['sort of', 'partial'], ['kind of', 'partial'], ['a little', 'partial'], ['more or less', 'partial'], ['mostly', 'partial'],
  ['a medias', 'partial'], ['mas o menos', 'partial'], ['algunos dias', 'partial'], ['un poco', 'partial'],
  ["didn't", 'not_done'], ['did not', 'not_done'], ["couldn't", 'not_done'], ['could not', 'not_done'], ['failed', 'not_done'],
  ['forgot', 'not_done'], ['not at all', 'not_done'], ['badly', 'not_done'], ['no pude', 'not_done'], ['no lo hice', 'not_done'],
  ['me fue mal', 'not_done'], ['se me olvido', 'not_done'], ['nope', 'not_done'],
]);

const CONTACTS = new ConceptLexicon<string>([
  ['daughter', 'daughter'], ['son', 'son'], ['sister', 'sister'], ['brother', 'brother'], ['friend', 'friend'], ['friends', 'friend'],
  ['neighbour', 'neighbour'], ['neighbor', 'neighbour'], ['neighbours', 'neighbour'], ['neighbors', 'neighbour'],
  ['grandchildren', 'grandchildren'], ['grandkids', 'grandchildren'], ['grandson', 'grandchildren'], ['granddaughter', 'grandchildren'],
  ['wife', 'partner'], ['husband', 'partner'], ['partner', 'partner'], ['mom', 'parent'], ['mum', 'parent'], ['mother', 'parent'],
  ['dad', 'parent'], ['father', 'parent'], ['family', 'family'], ['cousin', 'family'], ['niece', 'family'], ['nephew', 'family'],
  ['doctor', 'care team'], ['nurse', 'care team'], ['therapist', 'care team'], ['pastor', 'community'], ['church', 'community'],
  ['hija', 'daughter'], ['hijo', 'son'], ['hijos', 'children'], ['hermana', 'sister'], ['hermano', 'brother'], ['amiga', 'friend'],
  ['amigo', 'friend'], ['amigas', 'friend'], ['amigos', 'friend'], ['vecina', 'neighbour'], ['vecino', 'neighbour'],
  ['vecinos', 'neighbour'], ['nietos', 'grandchildren'], ['nieta', 'grandchildren'], ['nieto', 'grandchildren'],
  ['esposo', 'partner'], ['esposa', 'partner'], ['marido', 'partner'], ['mama', 'parent'], ['papa', 'parent'],
  ['familia', 'family'], ['prima', 'family'], ['primo', 'family'], ['medico', 'care team'], ['enfermera', 'care team'],
]);
const CONTACT_VERBS = new ConceptLexicon<true>(
  [
    'called', 'call', 'talked', 'talk', 'spoke', 'speak', 'visited', 'visit', 'texted', 'saw', 'met', 'came over', 'phoned',
    'chatted', 'video', 'hable', 'llame', 'llamo', 'visito', 'visite', 'vi', 'vino', 'vinieron', 'platique', 'converse',
    'escribio', 'mensaje',
  ].map((w) => [w, true] as const),
);

const ACTIVITIES = new ConceptLexicon<string>([
  ['walk', 'walking'], ['walked', 'walking'], ['walking', 'walking'], ['stroll', 'walking'], ['hike', 'walking'],
  ['garden', 'gardening'], ['gardening', 'gardening'], ['read', 'reading'], ['reading', 'reading'], ['books', 'reading'],
  ['bake', 'baking'], ['baking', 'baking'], ['cook', 'cooking'], ['cooking', 'cooking'], ['knit', 'knitting'],
  ['knitting', 'knitting'], ['sew', 'sewing'], ['sewing', 'sewing'], ['paint', 'painting'], ['painting', 'painting'],
  ['draw', 'drawing'], ['music', 'music'], ['sing', 'singing'], ['choir', 'singing'], ['dance', 'dancing'], ['swim', 'swimming'],
  ['gym', 'exercise'], ['exercise', 'exercise'], ['exercised', 'exercise'], ['workout', 'exercise'], ['yoga', 'yoga'],
  ['stretch', 'stretching'], ['stretched', 'stretching'], ['bike', 'cycling'], ['cycling', 'cycling'], ['puzzles', 'puzzles'],
  ['crossword', 'puzzles'], ['crosswords', 'puzzles'], ['sudoku', 'puzzles'], ['tv', 'tv'], ['television', 'tv'],
  ['movies', 'films'], ['films', 'films'], ['fishing', 'fishing'], ['cards', 'cards'], ['chess', 'games'], ['bingo', 'games'],
  ['went outside', 'going outside'], ['went out', 'going outside'], ['outside', 'going outside'], ['shopping', 'shopping'],
  ['volunteer', 'volunteering'], ['volunteering', 'volunteering'], ['photography', 'photography'], ['birds', 'birdwatching'],
  ['caminar', 'walking'], ['camine', 'walking'], ['caminata', 'walking'], ['pasear', 'walking'], ['pasee', 'walking'],
  ['jardin', 'gardening'], ['jardineria', 'gardening'], ['plantas', 'gardening'], ['leer', 'reading'], ['lei', 'reading'],
  ['libros', 'reading'], ['hornear', 'baking'], ['cocinar', 'cooking'], ['cocine', 'cooking'], ['tejer', 'knitting'],
  ['coser', 'sewing'], ['pintar', 'painting'], ['musica', 'music'], ['cantar', 'singing'], ['bailar', 'dancing'],
  ['nadar', 'swimming'], ['ejercicio', 'exercise'], ['gimnasio', 'exercise'], ['estirar', 'stretching'],
  ['bicicleta', 'cycling'], ['rompecabezas', 'puzzles'], ['crucigramas', 'puzzles'], ['tele', 'tv'], ['television', 'tv'],
  ['peliculas', 'films'], ['pescar', 'fishing'], ['salir', 'going outside'], ['sali', 'going outside'], ['afuera', 'going outside'],
]);
const ENJOY_CUES = new ConceptLexicon<true>(
  ['enjoy', 'love', 'like', 'favourite', 'favorite', 'hobby', 'fun', 'me gusta', 'me encanta', 'disfruto', 'pasatiempo', 'aficion'].map(
    (w) => [w, true] as const,
  ),
);
const FUTURE_CUES = new ConceptLexicon<true>(
  ['will', "i'll", 'going to', 'gonna', 'tomorrow', 'later', 'tonight', 'next', 'plan', 'voy a', 'manana', 'luego', 'despues', 'quiero'].map(
    (w) => [w, true] as const,
  ),
);

const WHEN = new ConceptLexicon<string>(
  [
    'tomorrow', 'today', 'tonight', 'this evening', 'this weekend', 'next week', 'next month', 'in a week', 'in two days',
    'in a few days', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'weekend', 'morning',
    'afternoon', 'evening', 'manana', 'hoy', 'esta noche', 'la proxima semana', 'el proximo mes', 'en una semana',
    'en dos dias', 'lunes', 'martes', 'miercoles', 'jueves', 'viernes', 'sabado', 'domingo', 'fin de semana',
  ].map((w) => [w, w] as const),
);

const STOPWORDS = new Set(
  ('i me my we you your it its a an the and or but so to of in on at for with about just really very much some any is am are was ' +
    'were be been have has had do did does not no yes yeah well um uh like that this there here what think guess maybe kind sort ' +
    'lot lots thing things stuff get got go going im i\'m ive i\'ve its it\'s dont don\'t would could should can will also too ' +
    'el la los las un una y o pero que de en con por para mi me yo es son esta estoy estan muy mas bien lo le se su al del ' +
    'como cuando hay tengo tiene creo pues bueno ya si no nada algo eso esto hello hi hey hola thanks thank gracias okay ok ' +
    'hmm hm huh dunno sure whatever').split(/\s+/),
);

// ---------------------------------------------------------------------------------------------------------
// Extractors
// ---------------------------------------------------------------------------------------------------------

/** How a value may be attributed: as the answer to the question asked, or only as an unambiguous fact. */
interface Attribution {
  current: boolean;
  /** Meals the stack's meal checkpoints are about (so "what else did you eat" leaves breakfast out). */
  claimedMeals: ReadonlySet<string>;
}

function moodValue(f: TurnFacts, a: Attribution): SlotValue | null {
  const { tokens } = f;
  const sleepClauses = new Set(SLEEP_CUES.scan(tokens).map((h) => tokens[h.first]!.clause));
  const feelingClauses = new Set(FEELING_CUES.scan(tokens).map((h) => tokens[h.first]!.clause));
  const statePositions = STATE_CUES.scan(tokens).map((h) => h.last);
  const short = tokens.length <= 6;
  const labels: string[] = [];
  let positive = 0;
  let negative = 0;
  for (const h of MOOD.scan(tokens)) {
    const clause = tokens[h.first]!.clause;
    const afterState = statePositions.some((p) => h.first > p && h.first - p <= 3 && tokens[p]!.clause === clause) && !BLAND_MOODS.has(h.value);
    const inScope = feelingClauses.has(clause) || afterState || (a.current && (short || !sleepClauses.has(clause)));
    if (!inScope) continue;
    const negated = isNegated(tokens, h.first, 3);
    const label = negated ? (POSITIVE_MOODS.has(h.value) ? 'not great' : 'okay') : h.value;
    if (!labels.includes(label)) labels.push(label);
    if (NEUTRAL_MOODS.has(h.value) || label === 'okay') continue;
    if (POSITIVE_MOODS.has(h.value) !== negated) positive += 1;
    else negative += 1;
  }
  if (labels.length === 0) {
    if (!a.current) return null;
    const s = sentimentOf(tokens);
    if (s.polarity === 'neutral') return null;
    return { type: 'mood', valence: s.polarity, labels: [] };
  }
  const valence = positive > 0 && negative > 0 ? 'mixed' : positive > 0 ? 'positive' : negative > 0 ? 'negative' : 'neutral';
  return { type: 'mood', valence, labels: labels.slice(0, 6) };
}

function sleepValue(f: TurnFacts, a: Attribution): SlotValue | null {
  const { tokens } = f;
  const cues = SLEEP_CUES.scan(tokens);
  if (cues.length === 0 && !a.current) return null;
  const clauses = new Set(cues.map((h) => tokens[h.first]!.clause));
  // The sleep clauses, plus a short answer to the sleep question as a whole ("badly, woke up at 3am").
  const scope = a.current && (cues.length === 0 || tokens.length <= 12) ? tokens : tokens.filter((t) => clauses.has(t.clause));
  const s = sentimentOf(scope);
  const woke = scope.some((t) => ['woke', 'waking', 'desperte', 'despertaba', 'awake', 'desvele'].includes(t.w));
  let hours: number | undefined;
  const sentences = new Set(cues.map((h) => tokens[h.first]!.sent));
  const hourScope = scope === tokens ? tokens : tokens.filter((t) => sentences.has(t.sent));
  for (const n of numbersIn(hourScope)) {
    const next = hourScope[n.index + 1]?.w;
    if (next !== undefined && ['hours', 'hrs', 'hour', 'h', 'horas', 'hora'].includes(next) && n.value <= 24) hours = n.value;
  }
  let quality: 'good' | 'fair' | 'poor' | null =
    s.polarity === 'positive' ? 'good' : s.polarity === 'negative' ? 'poor' : s.polarity === 'mixed' ? 'fair' : null;
  if (quality === null && hours !== undefined) quality = hours >= 7 ? 'good' : hours >= 5 ? 'fair' : 'poor';
  if (quality === 'good' && woke) quality = 'fair';
  if (quality === null && woke) quality = 'poor';
  if (quality === null && hours === undefined) return null;
  const value: SlotValue = { type: 'sleep', quality };
  if (hours !== undefined) value.hours = hours;
  if (woke) value.woke_up = true;
  return value;
}

const NOT_EATEN = new ConceptLexicon<true>(
  ["haven't eaten", 'havent eaten', 'not eaten', 'nothing yet', "didn't eat", 'didnt eat', 'no he comido', 'no comi', 'nada todavia', 'nada aun', 'skipped'].map(
    (w) => [w, true] as const,
  ),
);

function mealsValue(f: TurnFacts, a: Attribution, slot: SlotSpec): SlotValue | null {
  const labelled = f.meals.map((m) => ({ meal: m.meal, foods: m.foods.slice(0, 12), ...(m.skipped ? { skipped: true } : {}) }));
  const claimed = new Set(f.meals.flatMap((m) => m.foods));
  const loose = f.foods.filter((x) => !claimed.has(x));
  const meals: Array<{ meal: 'breakfast' | 'lunch' | 'dinner' | 'snack' | 'meal'; foods: string[]; skipped?: boolean }> = labelled;
  if (loose.length > 0 && a.current) {
    const target = slot.meal ?? 'meal';
    const existing = meals.find((m) => m.meal === target);
    if (existing) existing.foods = [...existing.foods, ...loose].slice(0, 12);
    else meals.push({ meal: target, foods: loose.slice(0, 12) });
  }
  if (meals.length === 0 && a.current && (NOT_EATEN.scan(f.tokens).length > 0 || saysNone(f.tokens))) {
    meals.push({ meal: slot.meal ?? 'meal', foods: [], skipped: true });
  }
  // A labelled meal with no food and not skipped ("breakfast was nice") says nothing about what was eaten.
  const useful = meals.filter((m) => m.foods.length > 0 || m.skipped === true);
  if (useful.length === 0) return null;
  return { type: 'meals', meals: useful.slice(0, 8) };
}

function foodsValue(f: TurnFacts, a: Attribution, slot: SlotSpec): SlotValue | null {
  if (slot.key === 'snacks') {
    const snacks = f.meals.filter((m) => m.meal === 'snack').flatMap((m) => m.foods);
    if (snacks.length > 0) return { type: 'foods', foods: snacks.slice(0, 12) };
    if (!a.current) return null;
    if (f.foods.length > 0) return { type: 'foods', foods: f.foods.slice(0, 12) };
    return saysNone(f.tokens) || yesNo(f.tokens) === false ? { type: 'foods', foods: [], none: true } : null;
  }
  const other = f.meals.filter((m) => !a.claimedMeals.has(m.meal) && !m.skipped).flatMap((m) => m.foods);
  const claimed = new Set(f.meals.flatMap((m) => m.foods));
  const loose = f.foods.filter((x) => !claimed.has(x));
  const foods = [...new Set([...other, ...(a.current ? loose : [])])];
  if (foods.length > 0) return { type: 'foods', foods: foods.slice(0, 12) };
  if (a.current && (saysNone(f.tokens) || NOT_EATEN.scan(f.tokens).length > 0)) return { type: 'foods', foods: [], none: true };
  return null;
}

const GLASS_UNITS: Record<string, number> = { glass: 250, glasses: 250, vaso: 250, vasos: 250, cup: 240, cups: 240, taza: 240, tazas: 240, bottle: 500, bottles: 500, botella: 500, botellas: 500, liter: 1000, liters: 1000, litre: 1000, litres: 1000, litro: 1000, litros: 1000 };

function waterValue(f: TurnFacts, a: Attribution): SlotValue | null {
  if (f.waterMl > 0) return { type: 'water', ml: f.waterMl };
  if (!a.current) return null;
  for (const n of numbersIn(f.tokens)) {
    const unit = GLASS_UNITS[f.tokens[n.index + 1]?.w ?? ''];
    if (unit !== undefined) return { type: 'water', ml: Math.round(n.value * unit) };
  }
  const bare = numbersIn(f.tokens).filter((n) => n.value > 0 && n.value <= 15);
  if (bare.length === 1 && f.tokens.length <= 5) return { type: 'water', ml: bare[0]!.value * 250 };
  if (saysNone(f.tokens) || f.tokens.some((t) => t.w === 'none')) return { type: 'water', ml: 0 };
  return null;
}

function drinksValue(f: TurnFacts, a: Attribution): SlotValue | null {
  const drinks = f.drinks.filter((d) => d !== 'water');
  if (drinks.length > 0) return { type: 'drinks', drinks: drinks.slice(0, 12) };
  if (a.current && (saysNone(f.tokens) || (f.drinks.includes('water') && f.drinks.length === 1))) {
    return f.drinks.includes('water') ? { type: 'drinks', drinks: ['water'] } : { type: 'drinks', drinks: [], none: true };
  }
  return null;
}

const NO_MEDS = new ConceptLexicon<true>(
  ["don't take any", 'dont take any', 'no medications', 'no medication', 'no meds', 'not on any', 'not taking any', 'no tomo ninguno', 'no tomo ninguna', 'no tomo nada', 'ningun medicamento', 'ninguna medicina'].map(
    (w) => [w, true] as const,
  ),
);

function medicationsValue(f: TurnFacts, a: Attribution, previous: SlotValue | undefined): SlotValue | null {
  const named = f.medications.filter((m) => m.name !== 'medication' && m.name !== 'blood pressure medication' ? true : m.name !== 'medication');
  const current = named.filter((m) => !m.retracted).map((m) => m.name);
  const retracted = named.filter((m) => m.retracted).map((m) => m.name);
  const before = previous?.type === 'medications' ? previous.names : [];
  if (retracted.length > 0 || (previous !== undefined && current.length > 0 && !a.current)) {
    const names = [...before.filter((n) => !retracted.includes(n)), ...current.filter((n) => !before.includes(n))];
    return names.length > 0 ? { type: 'medications', names: names.slice(0, 12) } : null;
  }
  if (current.length > 0) return { type: 'medications', names: current.slice(0, 12) };
  if (a.current && (NO_MEDS.scan(f.tokens).length > 0 || saysNone(f.tokens))) return { type: 'medications', names: [], none: true };
  if (NO_MEDS.scan(f.tokens).length > 0) return { type: 'medications', names: [], none: true };
  return null;
}

function adherenceValue(f: TurnFacts, a: Attribution): SlotValue | null {
  const live = f.medications.filter((m) => !m.retracted);
  const names = live.filter((m) => m.name !== 'medication').map((m) => m.name).slice(0, 12);
  const withNames = (status: 'taken' | 'missed' | 'partial' | 'double' | 'none_prescribed'): SlotValue =>
    names.length > 0 ? { type: 'adherence', status, names } : { type: 'adherence', status };
  if (f.double) return withNames('double');
  const states = new Set(live.map((m) => m.adherence).filter((s) => s !== 'unknown'));
  if (states.size > 1) return withNames('partial');
  if (states.size === 1) return withNames([...states][0] as 'taken' | 'missed');
  if (NO_MEDS.scan(f.tokens).length > 0) return { type: 'adherence', status: 'none_prescribed' };
  if (!a.current) return null;
  const yn = yesNo(f.tokens);
  if (yn === true) return withNames('taken');
  if (yn === false || f.tokens.some((t) => t.w === 'yet' || t.w === 'todavia')) return withNames('missed');
  return null;
}

function sideEffectsValue(f: TurnFacts, a: Attribution): SlotValue | null {
  if (f.sideEffects.length > 0) return { type: 'side_effects', effects: f.sideEffects.slice(0, 12) };
  if (!a.current) return null;
  if (f.symptoms.length > 0) return { type: 'side_effects', effects: f.symptoms.slice(0, 12) };
  if (f.negatedSideEffects.length > 0 || saysNone(f.tokens) || yesNo(f.tokens) === false) return { type: 'side_effects', effects: [], none: true };
  return null;
}

function refillValue(f: TurnFacts, a: Attribution): SlotValue | null {
  const hits = REFILL.scan(f.tokens);
  const order: Array<'low' | 'ordered' | 'enough' | 'due'> = ['low', 'ordered', 'enough', 'due'];
  for (const status of order) {
    const hit = hits.find((h) => h.value === status);
    if (hit === undefined) continue;
    // "not running low" is enough; "not enough" is low.
    if (isNegated(f.tokens, hit.first, 3)) return { type: 'refill', status: status === 'low' ? 'enough' : status === 'enough' ? 'low' : status };
    if (status === 'due' && !a.current) continue;
    return { type: 'refill', status };
  }
  if (!a.current) return null;
  const yn = yesNo(f.tokens);
  if (yn === false || saysNone(f.tokens)) return { type: 'refill', status: 'enough' };
  if (yn === true) return { type: 'refill', status: 'low' };
  return null;
}

function shortPhrase(tokens: readonly Token[], text: string, max = 8): string | null {
  const kept = tokens.filter((t) => !STOPWORDS.has(t.w) && !/^\[/.test(t.w));
  if (kept.length === 0) return null;
  const first = tokens.indexOf(kept[0]!);
  const slice = tokens.slice(first, first + max);
  const phrase = text.slice(slice[0]!.start, slice[slice.length - 1]!.end).replace(/\s+/g, ' ').trim().toLowerCase();
  return phrase.length > 0 ? phrase.slice(0, 80) : null;
}

function commitmentValue(f: TurnFacts, a: Attribution): SlotValue | null {
  const item = f.commitments[0];
  if (item !== undefined) {
    const value: SlotValue = { type: 'commitment', action: item.text.slice(0, 80) };
    if (item.due !== undefined) value.due = item.due.text.slice(0, 80);
    return value;
  }
  if (!a.current) return null;
  if (saysNone(f.tokens) || yesNo(f.tokens) === false) return { type: 'commitment', action: 'nothing planned', none: true };
  // A short answer to "what will you do?" is the plan itself ("call my sister", "caminar un poco").
  const yn = yesNo(f.tokens);
  const body = yn === true ? f.tokens.slice(1) : f.tokens;
  const phrase = shortPhrase(body, f.text);
  if (phrase === null) return null;
  const when = WHEN.values(body);
  return when.length > 0 ? { type: 'commitment', action: phrase, due: when.join(' ').slice(0, 80) } : { type: 'commitment', action: phrase };
}

function outcomeValue(f: TurnFacts, a: Attribution): SlotValue | null {
  if (!a.current) return null;
  const hits = OUTCOME.scan(f.tokens);
  const rank = { not_done: 0, partial: 1, done: 2 } as const;
  let best: 'done' | 'partial' | 'not_done' | null = null;
  for (const h of hits) {
    let v = h.value;
    if (v === 'done' && isNegated(f.tokens, h.first, 2)) v = 'not_done';
    if (best === null || (v === 'partial' && best !== 'partial') || (best === 'done' && rank[v] < rank[best])) best = v;
  }
  if (best !== null) return { type: 'outcome', outcome: best };
  const yn = yesNo(f.tokens);
  if (yn !== null) return { type: 'outcome', outcome: yn ? 'done' : 'not_done' };
  const s = sentimentOf(f.tokens);
  if (s.polarity === 'positive') return { type: 'outcome', outcome: 'done' };
  if (s.polarity === 'negative') return { type: 'outcome', outcome: 'not_done' };
  if (s.polarity === 'mixed') return { type: 'outcome', outcome: 'partial' };
  return null;
}

function freeTextValue(f: TurnFacts, a: Attribution): SlotValue | null {
  if (!a.current) return null;
  if (saysNone(f.tokens) || (f.tokens.length <= 3 && yesNo(f.tokens) === false)) return { type: 'free_text', topics: [], none: true };
  const topics: string[] = [];
  for (const t of f.tokens) {
    if (t.w.length < 3 || STOPWORDS.has(t.w) || /^\d+$/.test(t.w) || t.w.startsWith('[')) continue;
    if (!topics.includes(t.w)) topics.push(t.w);
    if (topics.length >= 5) break;
  }
  return topics.length > 0 ? { type: 'free_text', topics } : null;
}

function yesNoValue(f: TurnFacts, a: Attribution): SlotValue | null {
  if (!a.current) return null;
  const yn = yesNo(f.tokens);
  return yn === null ? null : { type: 'yes_no', answer: yn };
}

function scaleValue(f: TurnFacts, a: Attribution, slot: SlotSpec): SlotValue | null {
  const min = slot.min ?? 1;
  const max = slot.max ?? 10;
  const nums = numbersIn(f.tokens);
  // "8 out of 10", "8/10", "8 de 10": the first number is the score, wherever it is asked.
  for (const n of nums) {
    const next = f.tokens[n.index + 1]?.w;
    const after = f.tokens[n.index + 2]?.w;
    if ((next === 'out' || next === 'de') && (after === 'of' || after === String(max) || f.tokens[n.index + 3]?.w === String(max))) {
      if (n.value >= min && n.value <= max) return { type: 'scale', score: n.value };
    }
  }
  if (!a.current) return null;
  const inRange = nums.filter((n) => n.value >= min && n.value <= max);
  return inRange.length > 0 ? { type: 'scale', score: inRange[0]!.value } : null;
}

function durationValue(f: TurnFacts, a: Attribution): SlotValue | null {
  let minutes = 0;
  for (const n of numbersIn(f.tokens)) {
    const unit = f.tokens[n.index + 1]?.w ?? '';
    if (['hours', 'hour', 'hrs', 'h', 'horas', 'hora'].includes(unit)) minutes += n.value * 60;
    else if (['minutes', 'minute', 'mins', 'min', 'minutos', 'minuto'].includes(unit)) minutes += n.value;
  }
  if (minutes > 0) return { type: 'duration', minutes };
  return a.current && saysNone(f.tokens) ? { type: 'duration', minutes: 0 } : null;
}

function contactValue(f: TurnFacts, a: Attribution, previous: SlotValue | undefined): SlotValue | null {
  const hasVerb = CONTACT_VERBS.scan(f.tokens).length > 0;
  const contacts = CONTACTS.scan(f.tokens).filter((h) => !isNegated(f.tokens, h.first, 3)).map((h) => h.value);
  const unique = [...new Set(contacts)];
  if (unique.length > 0 && (a.current || hasVerb)) {
    const before = previous?.type === 'contact' && !a.current ? previous.contacts : [];
    return { type: 'contact', contacts: [...new Set([...before, ...unique])].slice(0, 12) };
  }
  if (a.current && saysNone(f.tokens)) return { type: 'contact', contacts: [], none: true };
  return null;
}

function activityValue(f: TurnFacts, a: Attribution, slot: SlotSpec): SlotValue | null {
  const futureClauses = new Set(FUTURE_CUES.scan(f.tokens).map((h) => f.tokens[h.first]!.clause));
  const enjoyClauses = new Set(ENJOY_CUES.scan(f.tokens).map((h) => f.tokens[h.first]!.clause));
  const wantsEnjoyment = slot.key === 'enjoyment';
  const hits = ACTIVITIES.scan(f.tokens).filter((h) => {
    const clause = f.tokens[h.first]!.clause;
    if (isNegated(f.tokens, h.first, 3)) return false;
    if (a.current) return true;
    return wantsEnjoyment ? enjoyClauses.has(clause) : !futureClauses.has(clause);
  });
  const activities = [...new Set(hits.map((h) => h.value))];
  if (activities.length > 0) return { type: 'activity', activities: activities.slice(0, 12) };
  if (!a.current) return null;
  if (saysNone(f.tokens) || yesNo(f.tokens) === false) return { type: 'activity', activities: [], none: true };
  if (yesNo(f.tokens) === true && !wantsEnjoyment) return { type: 'activity', activities: ['moved around'] };
  if (wantsEnjoyment) {
    const cue = ENJOY_CUES.scan(f.tokens)[0];
    const phrase = shortPhrase(cue !== undefined ? f.tokens.slice(cue.last + 1) : f.tokens, f.text, 4);
    if (phrase !== null) return { type: 'activity', activities: [phrase] };
  }
  return null;
}

function whenValue(f: TurnFacts, a: Attribution): SlotValue | null {
  const due = [...f.revisit, ...f.commitments].find((i) => i.due !== undefined)?.due;
  if (due !== undefined && a.current) return { type: 'when', when: due.text.slice(0, 80) };
  if (!a.current) return null;
  const words = WHEN.values(f.tokens);
  return words.length > 0 ? { type: 'when', when: words.join(' ').slice(0, 80) } : null;
}

/** The value a turn gives for `slot`, or null. `previous` is the checkpoint's stored value (corrections). */
export function extractValue(slot: SlotSpec, f: TurnFacts, a: Attribution, previous?: SlotValue): SlotValue | null {
  switch (slot.type) {
    case 'mood':
      return moodValue(f, a);
    case 'sleep':
      return sleepValue(f, a);
    case 'meals':
      return mealsValue(f, a, slot);
    case 'foods':
      return foodsValue(f, a, slot);
    case 'water':
      return waterValue(f, a);
    case 'drinks':
      return drinksValue(f, a);
    case 'medications':
      return medicationsValue(f, a, previous);
    case 'adherence':
      return adherenceValue(f, a);
    case 'side_effects':
      return sideEffectsValue(f, a);
    case 'refill':
      return refillValue(f, a);
    case 'commitment':
      return commitmentValue(f, a);
    case 'outcome':
      return outcomeValue(f, a);
    case 'free_text':
      return freeTextValue(f, a);
    case 'yes_no':
      return yesNoValue(f, a);
    case 'scale':
      return scaleValue(f, a, slot);
    case 'duration':
      return durationValue(f, a);
    case 'contact':
      return contactValue(f, a, previous);
    case 'activity':
      return activityValue(f, a, slot);
    case 'when':
      return whenValue(f, a);
  }
}

/** Merge a volunteered list-like value into the stored one (a second meal adds to the first). */
function mergeValue(previous: SlotValue | undefined, next: SlotValue): SlotValue {
  if (previous === undefined || previous.type !== next.type) return next;
  if (previous.type === 'meals' && next.type === 'meals') {
    const meals = previous.meals.filter((m) => !next.meals.some((n) => n.meal === m.meal));
    return { type: 'meals', meals: [...meals, ...next.meals].slice(0, 8) };
  }
  if (previous.type === 'foods' && next.type === 'foods' && next.none !== true && previous.none !== true) {
    return { type: 'foods', foods: [...new Set([...previous.foods, ...next.foods])].slice(0, 12) };
  }
  return next;
}

/** Volunteered slot keys the checklist notes for checkpoints not on the stack yet (unambiguous facts only). */
export const NOTED_SLOTS: readonly SlotSpec[] = [
  { type: 'meals', key: 'meals' },
  { type: 'water', key: 'water' },
  { type: 'sleep', key: 'sleep' },
  { type: 'mood', key: 'mood' },
  { type: 'medications', key: 'medications' },
  { type: 'adherence', key: 'adherence' },
  { type: 'commitment', key: 'commitment' },
  { type: 'contact', key: 'contacts' },
  { type: 'activity', key: 'activity' },
  { type: 'drinks', key: 'drinks' },
];

/** The checklist's typed evaluation of a turn over every checkpoint of the stack. */
export interface SlotExtraction {
  values: Record<string, SlotValue>;
  noted: Record<string, SlotValue>;
  declined: string[];
  intent: 'stop' | null;
}

/**
 * Extract values for every checkpoint of `checkpoints` (stack order; settled ones for corrections), with
 * `currentId` the one being asked. A refusal declines the current checkpoint (values for others still count).
 */
export function extractSlots(
  checkpoints: readonly CheckpointRef[],
  currentId: string | null,
  f: TurnFacts,
  deps: Readonly<Record<string, AgentOutput>> = {},
  evaluateLegacy: (criteria: CheckpointRef['criteria'], text: string, deps: Readonly<Record<string, AgentOutput>>) => { complete: boolean } = () => ({ complete: false }),
  resumed = false,
): SlotExtraction {
  const claimedMeals = new Set(checkpoints.map((c) => c.slot?.meal).filter((m): m is NonNullable<typeof m> => m !== undefined));
  const values: Record<string, SlotValue> = {};
  const declined: string[] = [];
  for (const ref of checkpoints) {
    // A checkpoint without a typed slot (an external service's) collects what its legacy criteria describe;
    // keyword / word-count criteria still decide whether free text answers it.
    const cp = ref.slot !== undefined ? ref : { ...ref, slot: slotFromCriteria(ref.criteria) };
    if (cp.slot === undefined) continue;
    const isCurrent = cp.checkpoint_id === currentId;
    if (ref.slot === undefined && cp.slot.type === 'free_text' && Object.keys(ref.criteria).length > 0) {
      if (isCurrent && f.refusal) declined.push(cp.checkpoint_id);
      else if (evaluateLegacy(ref.criteria, f.text, deps).complete && (isCurrent || ref.criteria.keywords_any !== undefined)) {
        const topics = freeTextValue(f, { current: true, claimedMeals });
        if (topics !== null) values[cp.checkpoint_id] = topics;
      }
      continue;
    }
    if (isCurrent && f.refusal) {
      declined.push(cp.checkpoint_id);
      continue;
    }
    const open = cp.status === 'pending' || cp.status === 'in_progress';
    // The first message after "I have to go" greets; it answers the pending question only with clear facts.
    const attribution: Attribution = { current: isCurrent && !f.stop && !resumed, claimedMeals };
    const value = extractValue(cp.slot, f, attribution, cp.value);
    // Report only values that answer the slot ("no" is not a plan; a score of 70 is not 1..10).
    if (value === null || acceptValue(cp.slot, value) === null) continue;
    values[cp.checkpoint_id] = open || isCurrent ? value : mergeValue(cp.value, value);
  }
  const noted: Record<string, SlotValue> = {};
  for (const slot of NOTED_SLOTS) {
    const value = extractValue(slot, f, { current: false, claimedMeals });
    if (value !== null && acceptValue(slot, value) !== null) noted[slot.key!] = value;
  }
  return { values, noted, declined, intent: f.stop ? 'stop' : null };
}
