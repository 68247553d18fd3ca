/**
 * Scripted patient conversations: every plan, English and Spanish, typos, rambling, one-word answers,
 * refusals, corrections, stop / resume, services and detected agents that change mid-conversation. Each turn
 * carries expectations on checkpoint statuses and typed values and on the reply. Played against the real
 * engine with the reference agents (test/conversations/engine.test.ts) and, some of them, over HTTP through
 * the offline stack (test/e2e/conversations.test.ts).
 */

/** What a turn must show. Statuses and values are read from the response's task_stack. */
export interface TurnExpectation {
  /** checkpoint_id → status after the turn. */
  status?: Record<string, 'pending' | 'in_progress' | 'complete' | 'declined' | 'skipped'>;
  /** checkpoint_id → a subset of the typed value stored after the turn. */
  values?: Record<string, Record<string, unknown>>;
  /** The reply matches each of these. */
  reply?: RegExp[];
  /** The reply matches none of these. */
  notReply?: RegExp[];
  /** The reply asks no question (a goodbye or the closing). */
  noQuestion?: boolean;
}

export interface ScriptTurn {
  say: string;
  expect?: TurnExpectation;
  /** Change the request's services / detected agent from this turn on. */
  services?: string[];
  detected_agent?: string;
}

export interface Script {
  name: string;
  plan: string;
  detected_agent: string;
  services: string[];
  language: 'en' | 'es';
  turns: ScriptTurn[];
  /** Over HTTP through the offline stack too. */
  http?: boolean;
}

const CHEER = /great, thanks|glad|good to hear|well done|me alegra|qué bien/i;
const SPANISH_REPLY = /[¿¡áéíóúñ]/;

export const SCRIPTS: Script[] = [
  {
    name: 'daily check-in, one-word answers',
    plan: 'daily_checkin',
    detected_agent: 'general',
    services: [],
    language: 'en',
    http: true,
    turns: [
      { say: 'hi', expect: { status: { checkin_mood: 'in_progress' }, reply: [/How are you feeling today\?/] } },
      { say: 'meh', expect: { status: { checkin_mood: 'complete', checkin_sleep: 'pending' }, values: { checkin_mood: { type: 'mood', labels: ['meh'] } }, reply: [/How did you sleep last night\?/] } },
      { say: 'badly', expect: { status: { checkin_sleep: 'complete' }, values: { checkin_sleep: { type: 'sleep', quality: 'poor' } }, notReply: [CHEER], reply: [/What have you eaten/] } },
      { say: 'eggs', expect: { status: { checkin_meals: 'complete' }, values: { checkin_meals: { type: 'meals' } } } },
      { say: 'gardening', expect: { status: { checkin_plan: 'complete' }, values: { checkin_plan: { type: 'commitment', action: 'gardening' } }, noQuestion: true, reply: [/check-in/] } },
    ],
  },
  {
    name: 'daily check-in, one rambling message answers everything',
    plan: 'daily_checkin',
    detected_agent: 'general',
    services: ['nutrition'],
    language: 'en',
    http: true,
    turns: [
      {
        say: "Morning! Honestly feeling pretty tired, slept badly and woke up at 3am. Had oatmeal and a banana for breakfast and about two glasses of water so far. Today I'm going to walk to the shop.",
        expect: {
          status: { checkin_mood: 'complete', checkin_sleep: 'complete', checkin_meals: 'complete', checkin_plan: 'complete', support_nutrition_meal_logged: 'complete', support_nutrition_water_logged: 'complete' },
          values: {
            checkin_mood: { valence: 'negative' },
            checkin_sleep: { quality: 'poor', woke_up: true },
            checkin_meals: { meals: [{ meal: 'breakfast', foods: ['oatmeal', 'banana'] }] },
            support_nutrition_water_logged: { ml: 500 },
          },
          notReply: [/How are you feeling|How did you sleep|What have you eaten|What was your last meal|How much water/, CHEER],
          noQuestion: true,
        },
      },
      { say: 'thanks, bye', expect: { noQuestion: true } },
    ],
  },
  {
    name: 'daily check-in with typos',
    plan: 'daily_checkin',
    detected_agent: 'general',
    services: [],
    language: 'en',
    turns: [
      { say: 'hello' },
      { say: 'feelin kinda stresed tbh', expect: { status: { checkin_mood: 'complete' }, values: { checkin_mood: { valence: 'negative' } }, notReply: [CHEER] } },
      { say: 'slept terible, kept waking up', expect: { status: { checkin_sleep: 'complete' }, values: { checkin_sleep: { quality: 'poor' } } } },
      { say: 'had oatmel n bananna for brekfast', expect: { status: { checkin_meals: 'complete' }, values: { checkin_meals: { meals: [{ meal: 'breakfast', foods: ['oatmeal', 'banana'] }] } }, notReply: [/What did you have for breakfast|What have you eaten/] } },
      { say: 'gonna call my sister tomorow', expect: { status: { checkin_plan: 'complete' }, noQuestion: true } },
    ],
  },
  {
    name: 'chequeo diario en español',
    plan: 'daily_checkin',
    detected_agent: 'general',
    services: [],
    language: 'es',
    http: true,
    turns: [
      { say: 'Hola', expect: { reply: [/¿Cómo te sientes hoy\?/] } },
      { say: 'Me siento muy sola', expect: { status: { checkin_mood: 'complete' }, values: { checkin_mood: { valence: 'negative', labels: ['lonely'] } }, reply: [/¿Cómo dormiste anoche\?/, SPANISH_REPLY], notReply: [/How did you sleep/] } },
      { say: 'dormí fatal, me desperté a las 3', expect: { status: { checkin_sleep: 'complete' }, values: { checkin_sleep: { quality: 'poor' } }, reply: [/¿Qué has comido hoy/] } },
      { say: 'desayuné huevos con tortilla', expect: { status: { checkin_meals: 'complete' }, values: { checkin_meals: { meals: [{ meal: 'breakfast', foods: ['eggs', 'tortilla'] }] } }, reply: [/¿Qué es algo que te gustaría hacer hoy\?/] } },
      { say: 'voy a caminar un rato por la tarde', expect: { status: { checkin_plan: 'complete' }, noQuestion: true, reply: [/chequeo de hoy/] } },
    ],
  },
  {
    name: 'daily check-in: a refusal is respected and never asked again',
    plan: 'daily_checkin',
    detected_agent: 'general',
    services: [],
    language: 'en',
    turns: [
      { say: 'hi' },
      { say: "I'd rather not say", expect: { status: { checkin_mood: 'declined' }, reply: [/skip|leave that/, /How did you sleep last night\?/], notReply: [/How are you feeling/] } },
      { say: 'fine, about seven hours', expect: { status: { checkin_sleep: 'complete', checkin_mood: 'declined' }, values: { checkin_sleep: { hours: 7 } }, notReply: [/How are you feeling/] } },
      { say: 'toast', expect: { status: { checkin_meals: 'complete' } } },
      { say: 'read a book', expect: { status: { checkin_plan: 'complete' }, noQuestion: true, reply: [/check-in/] } },
    ],
  },
  {
    name: 'daily check-in: stop and resume where they left off',
    plan: 'daily_checkin',
    detected_agent: 'general',
    services: [],
    language: 'en',
    http: true,
    turns: [
      { say: 'hi' },
      { say: 'good', expect: { status: { checkin_mood: 'complete' } } },
      { say: 'can we stop now? I have to go', expect: { status: { checkin_sleep: 'in_progress' }, noQuestion: true, reply: [/stop|later|next time/i] } },
      { say: "ok I'm back", expect: { status: { checkin_sleep: 'in_progress' }, reply: [/Welcome back|Good to have you back/, /sleep|rest/] } },
      { say: 'slept well actually', expect: { status: { checkin_sleep: 'complete' }, values: { checkin_sleep: { quality: 'good' } } } },
    ],
  },
  {
    name: 'chequeo diario: parar y seguir',
    plan: 'daily_checkin',
    detected_agent: 'general',
    services: [],
    language: 'es',
    turns: [
      { say: 'hola, estoy bien', expect: { status: { checkin_mood: 'complete' } } },
      { say: 'tengo que irme, adiós', expect: { noQuestion: true, reply: [/paramos|dejamos|próxima/] } },
      { say: 'hola otra vez', expect: { status: { checkin_sleep: 'in_progress' }, reply: [/volviste|vuelto/, /dormiste|descansar/] } },
      { say: 'dormí bien', expect: { status: { checkin_sleep: 'complete' } } },
    ],
  },
  {
    name: 'daily check-in: no usable answer twice → rephrased, then skipped',
    plan: 'daily_checkin',
    detected_agent: 'general',
    services: [],
    language: 'en',
    turns: [
      { say: 'hello', expect: { reply: [/How are you feeling today\?/] } },
      { say: 'hmm', expect: { status: { checkin_mood: 'in_progress' }, reply: [/In a word or two, how is today going for you\?/], notReply: [/How are you feeling today\?/] } },
      { say: 'dunno', expect: { status: { checkin_mood: 'skipped' }, reply: [/How did you sleep last night\?/] } },
      { say: 'ok I guess', expect: { status: { checkin_sleep: 'complete' } } },
    ],
  },
  {
    name: 'daily check-in: a later answer corrects an earlier value',
    plan: 'daily_checkin',
    detected_agent: 'general',
    services: [],
    language: 'en',
    turns: [
      { say: 'I feel good' },
      { say: 'I slept badly', expect: { values: { checkin_sleep: { quality: 'poor' } } } },
      { say: 'Actually scratch that, I slept great, a solid 8 hours. Had cereal for breakfast.', expect: { status: { checkin_sleep: 'complete', checkin_meals: 'complete' }, values: { checkin_sleep: { quality: 'good', hours: 8 } } } },
    ],
  },
  {
    name: 'daily check-in: a service added mid-conversation is credited from what was said',
    plan: 'daily_checkin',
    detected_agent: 'general',
    services: [],
    language: 'en',
    turns: [
      { say: 'Feeling fine. I had pancakes for breakfast and three glasses of water.', expect: { status: { checkin_mood: 'complete', checkin_meals: 'complete' } } },
      {
        say: 'slept ok',
        services: ['nutrition'],
        expect: { status: { checkin_sleep: 'complete', support_nutrition_meal_logged: 'complete', support_nutrition_water_logged: 'complete' }, values: { support_nutrition_water_logged: { ml: 750 } }, notReply: [/What was your last meal|How much water/] },
      },
    ],
  },
  {
    name: 'daily check-in with support tasks woven in before closing',
    plan: 'daily_checkin',
    detected_agent: 'general',
    services: ['privacy', 'medication'],
    language: 'en',
    turns: [
      { say: 'hi, doing well', expect: { status: { checkin_mood: 'complete' } } },
      { say: 'slept fine' },
      { say: 'just coffee and toast' },
      { say: 'I will water the garden', expect: { status: { checkin_plan: 'complete' }, reply: [/keep a note/], notReply: [/check-in\. Thank/] } },
      { say: 'yes that is fine', expect: { status: { privacy_consent: 'complete' }, values: { privacy_consent: { answer: true } } } },
      { say: 'no, anything is fine', expect: { status: { privacy_identifiers_checked: 'complete' }, reply: [/medications/] } },
      { say: 'metformin', expect: { status: { support_medication_reviewed: 'complete' }, values: { support_medication_reviewed: { names: ['metformin'] } } } },
      { say: 'yes I took it this morning', expect: { status: { support_medication_adherence: 'complete' }, values: { support_medication_adherence: { status: 'taken' } }, noQuestion: true, reply: [/check-in/] } },
    ],
  },
  {
    name: 'nutrition coaching',
    plan: 'nutrition_coaching',
    detected_agent: 'general',
    services: [],
    language: 'en',
    http: true,
    turns: [
      { say: 'hey', expect: { reply: [/What did you have for breakfast\?/] } },
      { say: 'oatmeal with blueberries', expect: { status: { nutri_breakfast: 'complete' }, values: { nutri_breakfast: { meals: [{ meal: 'breakfast', foods: ['oatmeal', 'blueberries'] }] } } } },
      { say: 'soup for lunch and pasta for dinner', expect: { status: { nutri_foods: 'complete' }, values: { nutri_foods: { foods: ['soup', 'pasta'] } } } },
      { say: 'about 6 glasses of water', expect: { status: { nutri_hydration: 'complete' }, values: { nutri_hydration: { ml: 1500 } } } },
      { say: 'I will eat more vegetables this week', expect: { status: { nutri_goal: 'complete' } } },
    ],
  },
  {
    name: 'coaching de nutrición en español',
    plan: 'nutrition_coaching',
    detected_agent: 'general',
    services: [],
    language: 'es',
    turns: [
      { say: 'hola', expect: { reply: [/¿Qué desayunaste\?/] } },
      { say: 'avena con plátano', expect: { status: { nutri_breakfast: 'complete' }, reply: [SPANISH_REPLY] } },
      { say: 'arroz con pollo en la comida', expect: { status: { nutri_foods: 'complete' } } },
      { say: 'como dos litros de agua al día', expect: { status: { nutri_hydration: 'complete' }, values: { nutri_hydration: { ml: 2000 } } } },
      { say: 'voy a comer más verduras', expect: { status: { nutri_goal: 'complete' } } },
    ],
  },
  {
    name: 'nutrition coaching: breakfast, lunch and water in one go',
    plan: 'nutrition_coaching',
    detected_agent: 'general',
    services: [],
    language: 'en',
    turns: [
      { say: 'For breakfast I had eggs on toast, then a salad for lunch, and I drink about 1.5 litres of water a day', expect: { status: { nutri_breakfast: 'complete', nutri_foods: 'complete', nutri_hydration: 'complete', nutri_goal: 'pending' }, reply: [/small change/], notReply: [/breakfast\?|else did you eat|How much water/] } },
      { say: "I'd rather not commit to anything", expect: { status: { nutri_goal: 'declined' } } },
    ],
  },
  {
    name: 'medication: a correction is not a missed dose',
    plan: 'medication_adherence',
    detected_agent: 'general',
    services: [],
    language: 'en',
    http: true,
    turns: [
      { say: 'I take metformin and lisinopril', expect: { status: { meds_list: 'complete' }, values: { meds_list: { names: ['metformin', 'lisinopril'] } } } },
      { say: "Sorry, not lisinopril, it's losartan", expect: { status: { meds_taken: 'in_progress' }, values: { meds_list: { names: ['metformin', 'losartan'] } }, notReply: [/missed/i] } },
      { say: 'yes, took both this morning', expect: { status: { meds_taken: 'complete' }, values: { meds_taken: { status: 'taken' } } } },
      { say: 'no side effects', expect: { status: { meds_side_effects: 'complete' }, values: { meds_side_effects: { none: true } } } },
      { say: 'I have plenty left', expect: { status: { meds_refill: 'complete' }, values: { meds_refill: { status: 'enough' } } } },
    ],
  },
  {
    name: 'medication: a double dose is cautioned, not called missed',
    plan: 'medication_adherence',
    detected_agent: 'general',
    services: [],
    language: 'en',
    turns: [
      { say: 'metformin 500 mg', expect: { status: { meds_list: 'complete' } } },
      { say: 'I doubled up by mistake this morning', expect: { status: { meds_taken: 'complete' }, values: { meds_taken: { status: 'double' } }, reply: [/extra dose/, /pharmacist|care team/], notReply: [/missed/i, CHEER] } },
      { say: 'a bit dizzy', expect: { status: { meds_side_effects: 'complete' }, values: { meds_side_effects: { effects: ['dizziness'] } }, notReply: [CHEER] } },
      { say: 'running low actually', expect: { values: { meds_refill: { status: 'low' } } } },
    ],
  },
  {
    name: 'medication: none',
    plan: 'medication_adherence',
    detected_agent: 'general',
    services: [],
    language: 'en',
    turns: [
      { say: 'hi' },
      { say: 'none', expect: { status: { meds_list: 'complete' }, values: { meds_list: { names: [], none: true } } } },
      { say: "I don't take any", expect: { status: { meds_taken: 'complete' }, values: { meds_taken: { status: 'none_prescribed' } } } },
    ],
  },
  {
    name: 'medicación en español',
    plan: 'medication_adherence',
    detected_agent: 'general',
    services: [],
    language: 'es',
    turns: [
      { say: 'tomo metformina y aspirina', expect: { status: { meds_list: 'complete' }, values: { meds_list: { names: ['metformin', 'aspirin'] } }, reply: [/¿Ya tomaste las dosis de hoy\?/] } },
      { say: 'sí, ya me las tomé', expect: { status: { meds_taken: 'complete' }, values: { meds_taken: { status: 'taken' } } } },
      { say: 'no, ninguno', expect: { status: { meds_side_effects: 'complete' }, values: { meds_side_effects: { none: true } } } },
      { say: 'tengo suficiente', expect: { status: { meds_refill: 'complete' }, noQuestion: true } },
    ],
  },
  {
    name: 'loneliness support',
    plan: 'loneliness_support',
    detected_agent: 'loneliness',
    services: [],
    language: 'en',
    http: true,
    turns: [
      { say: 'hi', expect: { reply: [/connected, or a bit alone\?/] } },
      { say: "pretty lonely since my husband died", expect: { status: { lonely_feelings: 'complete' }, values: { lonely_feelings: { valence: 'negative' } }, notReply: [CHEER] } },
      { say: 'my daughter called on Sunday', expect: { status: { lonely_contacts: 'complete' }, values: { lonely_contacts: { contacts: ['daughter'] } } } },
      { say: 'I love gardening and baking bread', expect: { status: { lonely_activity: 'complete' }, values: { lonely_activity: { activities: ['gardening', 'baking'] } } } },
      { say: "I'll call my neighbour tomorrow", expect: { status: { lonely_next_step: 'complete' } } },
    ],
  },
  {
    name: 'soledad en español',
    plan: 'loneliness_support',
    detected_agent: 'loneliness',
    services: [],
    language: 'es',
    turns: [
      { say: 'hola', expect: { reply: [SPANISH_REPLY] } },
      { say: 'me siento sola casi siempre', expect: { status: { lonely_feelings: 'complete' }, reply: [/¿Con quién has hablado últimamente\?/] } },
      { say: 'hablé con mi hija ayer', expect: { status: { lonely_contacts: 'complete' }, values: { lonely_contacts: { contacts: ['daughter'] } } } },
      { say: 'me encanta tejer', expect: { status: { lonely_activity: 'complete' }, values: { lonely_activity: { activities: ['knitting'] } } } },
      { say: 'voy a llamar a mi vecina el sábado', expect: { status: { lonely_next_step: 'complete' } } },
    ],
  },
  {
    name: 'loneliness: one-word answers and nobody',
    plan: 'loneliness_support',
    detected_agent: 'loneliness',
    services: [],
    language: 'en',
    turns: [
      { say: 'alone', expect: { status: { lonely_feelings: 'complete' } } },
      { say: 'nobody', expect: { status: { lonely_contacts: 'complete' }, values: { lonely_contacts: { none: true } } } },
      { say: 'puzzles', expect: { status: { lonely_activity: 'complete' } } },
      { say: 'no', expect: { status: { lonely_next_step: 'in_progress' }, notReply: [/Is there someone you could reach out to this week\?/] } },
    ],
  },
  {
    name: 'accountability',
    plan: 'accountability',
    detected_agent: 'accountability',
    services: [],
    language: 'en',
    turns: [
      { say: 'hi', expect: { reply: [/how did it go\?/] } },
      { say: 'I did it, walked three times', expect: { status: { acct_review: 'complete' }, values: { acct_review: { outcome: 'done' } } } },
      { say: 'the rain made it harder but my friend helped', expect: { status: { acct_obstacles: 'complete' } } },
      { say: "I'll walk every morning before breakfast", expect: { status: { acct_commitment: 'complete' } } },
      { say: '8', expect: { status: { acct_confidence: 'complete' }, values: { acct_confidence: { score: 8 } } } },
    ],
  },
  {
    name: 'rendición de cuentas en español',
    plan: 'accountability',
    detected_agent: 'accountability',
    services: [],
    language: 'es',
    turns: [
      { say: 'hola', expect: { reply: [/¿cómo te fue\?/] } },
      { say: 'más o menos, lo hice a medias', expect: { status: { acct_review: 'complete' }, values: { acct_review: { outcome: 'partial' } } } },
      { say: 'el trabajo me quitó tiempo', expect: { status: { acct_obstacles: 'complete' } } },
      { say: 'voy a caminar el lunes', expect: { status: { acct_commitment: 'complete' } } },
      { say: 'un 7', expect: { status: { acct_confidence: 'complete' }, values: { acct_confidence: { score: 7 } } } },
    ],
  },
  {
    name: 'accountability: the detected agent changes mid-conversation',
    plan: 'accountability',
    detected_agent: 'general',
    services: [],
    language: 'en',
    turns: [
      { say: 'hello' },
      { say: 'partly, only twice', expect: { status: { acct_review: 'complete' }, values: { acct_review: { outcome: 'partial' } } } },
      { say: 'work got in the way', detected_agent: 'accountability', expect: { status: { acct_obstacles: 'complete' } } },
      { say: 'I will cook at home', detected_agent: 'therapy', expect: { status: { acct_commitment: 'complete' } } },
      { say: "I'd rather not put a number on it", expect: { status: { acct_confidence: 'declined' } } },
    ],
  },
  {
    name: 'mood tracking',
    plan: 'mood_tracking',
    detected_agent: 'therapy',
    services: [],
    language: 'en',
    http: true,
    turns: [
      { say: 'hi', expect: { reply: [/scale from 1 to 10/] } },
      { say: 'about a 4 today', expect: { status: { mood_rating: 'complete' }, values: { mood_rating: { score: 4 } }, notReply: [CHEER] } },
      { say: 'my boss is killing me', expect: { status: { mood_stressors: 'complete' }, notReply: [CHEER] } },
      { say: 'a hot bath tonight', expect: { status: { mood_coping: 'complete' }, noQuestion: true } },
    ],
  },
  {
    name: 'seguimiento del ánimo en español',
    plan: 'mood_tracking',
    detected_agent: 'therapy',
    services: [],
    language: 'es',
    turns: [
      { say: 'hola', expect: { reply: [/Del 1 al 10/] } },
      { say: 'un 6', expect: { status: { mood_rating: 'complete' }, values: { mood_rating: { score: 6 } } } },
      { say: 'nada en especial', expect: { status: { mood_stressors: 'complete' }, values: { mood_stressors: { none: true } } } },
      { say: 'voy a salir a caminar', expect: { status: { mood_coping: 'complete' }, noQuestion: true } },
    ],
  },
  {
    name: 'mood tracking: refusal, stop and resume',
    plan: 'mood_tracking',
    detected_agent: 'therapy',
    services: [],
    language: 'en',
    turns: [
      { say: 'hi' },
      { say: "I'd rather not rate it", expect: { status: { mood_rating: 'declined' }, reply: [/weighing on you/] } },
      { say: 'bye', expect: { noQuestion: true, status: { mood_stressors: 'in_progress' } } },
      { say: 'hi again', expect: { reply: [/Welcome back|Good to have you back/] } },
      { say: 'money worries mostly', expect: { status: { mood_stressors: 'complete' } } },
      { say: 'call a friend', expect: { status: { mood_coping: 'complete' }, noQuestion: true } },
    ],
  },
  {
    name: 'medication with nutrition and followup support tasks, answered out of order',
    plan: 'medication_adherence',
    detected_agent: 'general',
    services: ['nutrition', 'followup'],
    language: 'en',
    turns: [
      { say: 'I take atorvastatin and I took it this morning. Had fish and rice for dinner last night.', expect: { status: { meds_list: 'complete', meds_taken: 'complete', support_nutrition_meal_logged: 'complete' }, values: { meds_taken: { status: 'taken' } } } },
      { say: 'none', expect: { status: { meds_side_effects: 'complete' } } },
      { say: 'I will pick up the refill on Friday', expect: { status: { meds_refill: 'complete', support_followup_commitment: 'complete' } } },
      { say: 'two bottles of water', expect: { status: { support_nutrition_water_logged: 'complete' }, noQuestion: true } },
    ],
  },
];
