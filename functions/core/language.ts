/**
 * Which language a patient writes in (English or Spanish): the one module both the safety floor (#9) and
 * the conversation engine (#10) use, so a turn never gets guidance in one language and questions in another.
 * Short answers ("no", "ok", "meh") carry no signal: the conversation's previous language wins then.
 */
export type Language = 'en' | 'es';

export const SUPPORTED_LANGUAGES: readonly Language[] = ['en', 'es'];

const ES_WORDS = new Set(
  ('que de la el los las un una y o pero porque por para con sin muy mi me te se lo le nos estoy estas esta estoy ' +
    'soy eres es somos son tengo tiene tienes hoy ayer mañana manana bien mal sí si no nada todo también tambien ' +
    'quiero puedo siento dormí dormi comí comi desayuné desayune tomé tome pastillas medicina agua gracias hola ' +
    'adiós adios buenos buenas días dias noche tarde ya más mas menos cuando donde como qué cómo cuándo dónde ' +
    'porqué yo tú tu él ella usted ustedes ellos ellas al del hay fue era estaba estoy dolor cabeza pecho ' +
    'vivir morir ayuda sola solo triste cansado cansada poco mucho voy vas va vamos salir caminar comer hacer llamar ' +
    'hablar ir tomar dormir desayunar cenar almorzar unos unas hija hijo vecina vecino quiero tengo nada algo').split(/\s+/),
);
const EN_WORDS = new Set(
  // "a", "no" and "me" are Spanish words too: they decide nothing.
  ('the an and or but because for with without very my you he she it we they is am are was were be been ' +
    'have has had do did does not yes today yesterday tomorrow good bad well i im i\'m feel felt slept sleep ' +
    'ate eat breakfast lunch dinner water took take pills meds thanks thank hello hi bye what how when where ' +
    'why this that there here just really so too some any about of to in on at from up out can could would ' +
    'should will want need help pain head chest alone lonely tired sad').split(/\s+/),
);

/** Scores by function words and Spanish-only letters; ties and empty signal fall back to `previous`. */
export function detectLanguage(text: string, previous: Language = 'en'): Language {
  const lower = text.toLowerCase();
  const words = lower.match(/[a-záéíóúüñ']+/g) ?? [];
  let es = /[ñ¿¡]/.test(lower) ? 2 : 0;
  let en = 0;
  for (const w of words) {
    if (ES_WORDS.has(w)) es += 1;
    if (EN_WORDS.has(w)) en += 1;
    if (/[áéíóú]/.test(w)) es += 0.5;
  }
  if (es === en) return previous;
  // One ambiguous hit in a two-word answer ("no", "ok") is not enough to switch languages.
  if (Math.abs(es - en) < 1 && words.length <= 2) return previous;
  return es > en ? 'es' : 'en';
}
