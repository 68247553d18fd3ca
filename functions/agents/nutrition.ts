/**
 * nutrition — reference agent: extracts meals (breakfast, lunch, dinner, snack) with their foods, the
 * foods and drinks mentioned, and water intake in millilitres from the redacted text. Uses the followup
 * agent's items to report eating/drinking commitments ("I'll cook dinner tonight").
 *
 * Depends on privacy (redacted text) and followup (items), as in the seed's AGENT_CONFIG; works without
 * them (redacts locally, no commitments).
 */
import type { AgentOutput, AgentRequest } from '../contracts/agent.js';
import { okDependency, redactedText } from './input.js';
import { Lexicon, isNegated, joinList, parseQuantity, tokenize, type Token } from './text.js';
import type { FollowupItem } from './followup.js';

export const AGENT_NAME = 'nutrition';

export type MealName = 'breakfast' | 'lunch' | 'dinner' | 'snack';

/** A meal the user reported (or said they skipped), with what was in it. */
export interface Meal {
  meal: MealName;
  foods: string[];
  drinks: string[];
  skipped: boolean;
}

const MEALS = new Lexicon<MealName>([
  ['breakfast', 'breakfast'], ['brunch', 'breakfast'], ['desayuno', 'breakfast'], ['desayune', 'breakfast'], ['desayunar', 'breakfast'],
  ['lunch', 'lunch'], ['almuerzo', 'lunch'], ['almorce', 'lunch'], ['almorzar', 'lunch'], ['comida', 'lunch'],
  ['dinner', 'dinner'], ['supper', 'dinner'], ['cena', 'dinner'], ['cene', 'dinner'], ['cenar', 'dinner'],
  ['snack', 'snack'], ['snacks', 'snack'], ['snacked', 'snack'], ['merienda', 'snack'], ['tentempie', 'snack'],
  ['desayunamos', 'breakfast'], ['desayunado', 'breakfast'], ['almorzamos', 'lunch'], ['cenamos', 'dinner'],
], { fuzzy: true });

type Item = readonly ['food' | 'drink', string];
const F = (name: string): Item => ['food', name];
const D = (name: string): Item => ['drink', name];
const FOOD_WORDS: Array<readonly [string, Item]> = [
  ...[
    'oatmeal', 'cereal', 'granola', 'toast', 'bread', 'bagel', 'bacon', 'sausage', 'pancakes', 'waffles', 'yogurt',
    'banana', 'apple', 'orange', 'berries', 'strawberries', 'blueberries', 'grapes', 'fruit', 'salad', 'sandwich',
    'soup', 'rice', 'beans', 'pasta', 'spaghetti', 'pizza', 'burger', 'fries', 'chicken', 'fish', 'salmon', 'tuna',
    'beef', 'steak', 'pork', 'turkey', 'tofu', 'vegetables', 'broccoli', 'carrots', 'spinach', 'potatoes',
    'avocado', 'cheese', 'nuts', 'almonds', 'crackers', 'chips', 'cookies', 'cake', 'chocolate', 'candy', 'popcorn',
    'tortilla', 'tacos', 'burrito', 'quesadilla', 'noodles', 'ramen', 'sushi', 'hummus', 'muffin', 'meat', 'lentils',
    'quinoa', 'omelette', 'cookie', 'pie', 'donut', 'peanuts', 'corn', 'tomatoes', 'cucumber', 'peas', 'shrimp',
    'croissant', 'biscuits', 'crisps', 'ham', 'pears', 'pear', 'melon', 'watermelon', 'mango', 'kiwi', 'stew',
    'curry', 'dumplings', 'lasagna', 'enchiladas', 'empanadas', 'cereal bar', 'waffle', 'porridge oats', 'jam',
  ].map((f) => [f, F(f)] as const),
  ['oats', F('oatmeal')], ['porridge', F('oatmeal')], ['egg', F('eggs')], ['eggs', F('eggs')], ['pancake', F('pancakes')],
  ['yoghurt', F('yogurt')], ['bananas', F('banana')], ['apples', F('apple')], ['oranges', F('orange')],
  ['french fries', F('fries')], ['hamburger', F('burger')], ['veggies', F('vegetables')], ['veg', F('vegetables')],
  ['potato', F('potatoes')], ['sweet potato', F('sweet potato')], ['sweet potatoes', F('sweet potato')],
  ['peanut butter', F('peanut butter')], ['ice cream', F('ice cream')], ['cottage cheese', F('cottage cheese')],
  ['granola bar', F('granola bar')], ['protein bar', F('protein bar')], ['tortillas', F('tortilla')], ['taco', F('tacos')],
  ['sandwiches', F('sandwich')], ['carrot', F('carrots')], ['tomato', F('tomatoes')], ['donuts', F('donut')],
  ['huevo', F('eggs')], ['huevos', F('eggs')], ['pan', F('bread')], ['arroz', F('rice')], ['frijoles', F('beans')],
  ['pollo', F('chicken')], ['pescado', F('fish')], ['carne', F('meat')], ['ensalada', F('salad')], ['sopa', F('soup')],
  ['verduras', F('vegetables')], ['fruta', F('fruit')], ['manzana', F('apple')], ['platano', F('banana')],
  ['queso', F('cheese')], ['avena', F('oatmeal')], ['tostada', F('toast')], ['tostadas', F('toast')],
  ['galletas', F('cookies')], ['pan tostado', F('toast')], ['fruta fresca', F('fruit')], ['arroz con pollo', F('rice')], ['papas', F('potatoes')], ['patatas', F('potatoes')], ['lentejas', F('lentils')],
  ['water', D('water')], ['agua', D('water')], ['coffee', D('coffee')], ['cafe', D('coffee')], ['tea', D('tea')],
  ['green tea', D('tea')], ['juice', D('juice')], ['orange juice', D('juice')], ['apple juice', D('juice')],
  ['jugo', D('juice')], ['zumo', D('juice')], ['soda', D('soda')], ['coke', D('soda')], ['refresco', D('soda')],
  ['milk', D('milk')], ['leche', D('milk')], ['beer', D('beer')], ['cerveza', D('beer')], ['wine', D('wine')],
  ['vino', D('wine')], ['smoothie', D('smoothie')], ['lemonade', D('lemonade')], ['hot chocolate', D('hot chocolate')],
  ['kombucha', D('kombucha')], ['protein shake', D('protein shake')],
];
const FOODS = new Lexicon<Item>(FOOD_WORDS, { fuzzy: true });

/** Millilitres per unit of water. */
const UNIT_ML: Record<string, number> = {
  glass: 250, glasses: 250, vaso: 250, vasos: 250, cup: 240, cups: 240, taza: 240, tazas: 240,
  bottle: 500, bottles: 500, botella: 500, botellas: 500, liter: 1000, liters: 1000, litre: 1000, litres: 1000,
  l: 1000, litro: 1000, litros: 1000, ml: 1, milliliters: 1, millilitres: 1, mililitros: 1,
  oz: 29.5735, ounce: 29.5735, ounces: 29.5735, onzas: 29.5735,
};
const WATER = new Set(['water', 'agua']);
const SKIP_WORDS = new Set(['skipped', 'skip', 'skipping', 'missed', 'miss', 'salte', 'sin']);
/** Words that mark a followup item as being about food or drink. */
const FOOD_TOPIC = new Set([
  'eat', 'eating', 'ate', 'cook', 'cooking', 'meal', 'meals', 'drink', 'drinking', 'snack', 'breakfast', 'lunch',
  'dinner', 'water', 'comer', 'cocinar', 'beber', 'tomar', 'desayunar', 'almorzar', 'cenar', 'agua', 'diet', 'dieta',
]);

/** Total water in millilitres said in the tokens ("2 glasses of water", "1.5 litros de agua", "16 oz water"). */
export function waterMl(tokens: readonly Token[]): number {
  let total = 0;
  for (let i = 0; i + 1 < tokens.length; i += 1) {
    const unit = UNIT_ML[tokens[i + 1]!.w];
    if (unit === undefined) continue;
    let qty = parseQuantity(tokens[i]!.w);
    if (qty === undefined) continue;
    if (tokens[i]!.w === 'a' && tokens[i - 1]?.w === 'half') qty = 0.5;
    const clause = tokens[i]!.clause;
    const near = (j: number) => tokens[j] !== undefined && tokens[j]!.clause === clause;
    let isWater = false;
    for (let j = i + 2; j <= i + 4 && near(j); j += 1) {
      const w = tokens[j]!.w;
      if (WATER.has(w)) isWater = true;
      if (w !== 'of' && w !== 'de' && w !== 'cold' && w !== 'fria' && !WATER.has(w)) break;
    }
    // "water 2 liters", "water: about 1 liter" (but not "water and 8 oz of juice").
    const nextWord = tokens[i + 2]?.w === 'of' || tokens[i + 2]?.w === 'de' ? tokens[i + 3]?.w : tokens[i + 2]?.w;
    const otherDrinkFollows = nextWord !== undefined && near(i + 2) && FOODS.scan(tokens.slice(i + 2, i + 4)).length > 0;
    if (!isWater && !otherDrinkFollows) {
      for (let j = i - 1; !isWater && j >= i - 2 && near(j); j -= 1) {
        if (WATER.has(tokens[j]!.w)) isWater = true;
        else if (!['about', 'around', 'was', 'is', 'roughly', 'unos', 'como'].includes(tokens[j]!.w)) break;
      }
    }
    if (isWater) total += qty * unit;
  }
  return Math.round(total);
}

/** Extracts meals, foods, drinks and water from (redacted) text. */
export function extract(text: string): { meals: Meal[]; foods: string[]; drinks: string[]; water_ml: number } {
  const tokens = tokenize(text);
  const mealHits = MEALS.scan(tokens);
  const itemHits = FOODS.scan(tokens).filter((h) => !isNegated(tokens, h.first, 2));
  const meals: Meal[] = [];
  const mealIndex = new Map<number, Meal>();
  for (const h of mealHits) {
    let skipped = isNegated(tokens, h.first, 3);
    for (let j = h.first - 1; j >= 0 && j >= h.first - 3 && tokens[j]!.clause === tokens[h.first]!.clause; j -= 1) {
      if (SKIP_WORDS.has(tokens[j]!.w)) skipped = true;
    }
    let meal = meals.find((m) => m.meal === h.value);
    if (!meal) {
      meal = { meal: h.value, foods: [], drinks: [], skipped };
      meals.push(meal);
    } else if (!skipped) {
      meal.skipped = false;
    }
    mealIndex.set(h.first, meal);
  }
  const mealsBySentence = new Map<number, typeof mealHits>();
  for (const m of mealHits) {
    const sent = tokens[m.first]!.sent;
    mealsBySentence.set(sent, [...(mealsBySentence.get(sent) ?? []), m]);
  }
  const foods: string[] = [];
  const drinks: string[] = [];
  for (const h of itemHits) {
    const [kind, name] = h.value;
    const list = kind === 'food' ? foods : drinks;
    if (!list.includes(name)) list.push(name);
    // The food belongs to the nearest meal mentioned before it in the sentence, else the next one after.
    const inSentence = mealsBySentence.get(tokens[h.first]!.sent) ?? [];
    if (inSentence.length === 0) continue;
    // A skipped meal owns nothing: "I skipped breakfast but had eggs for lunch" → lunch.
    const open = inSentence.filter((m) => !mealIndex.get(m.first)!.skipped);
    // Same clause first, nearest wins, ties go to the meal after ("rice at lunch and pasta for dinner");
    // otherwise the nearest meal before it in the sentence, else the next one.
    const sameClause = open.filter((m) => tokens[m.first]!.clause === tokens[h.first]!.clause);
    const distance = (m: (typeof open)[number]) => (m.first < h.first ? h.first - m.last : m.first - h.last - 0.5);
    const before = open.filter((m) => m.first < h.first);
    const owner =
      sameClause.length > 0
        ? [...sameClause].sort((a, b) => distance(a) - distance(b))[0]
        : before.length > 0
          ? before[before.length - 1]
          : open.find((m) => m.first > h.first);
    if (!owner) continue;
    const meal = mealIndex.get(owner.first)!;
    const target = kind === 'food' ? meal.foods : meal.drinks;
    if (!target.includes(name)) target.push(name);
  }
  return { meals, foods, drinks, water_ml: waterMl(tokens) };
}

/** Followup items about eating or drinking. */
function foodCommitments(request: AgentRequest): FollowupItem[] {
  const followup = okDependency(request, 'followup');
  const items = followup?.findings['items'];
  if (!Array.isArray(items)) return [];
  return items.filter((raw): raw is FollowupItem => {
    if (typeof raw !== 'object' || raw === null || typeof (raw as FollowupItem).text !== 'string') return false;
    const tokens = tokenize((raw as FollowupItem).text, 500);
    return tokens.some((t) => FOOD_TOPIC.has(t.w)) || FOODS.scan(tokens).length > 0 || MEALS.scan(tokens).length > 0;
  });
}

/** Runs the nutrition agent over one turn (redacted text; followup items when followup ran). */
export function run(request: AgentRequest): AgentOutput {
  const { meals, foods, drinks, water_ml } = extract(redactedText(request));
  const commitments = foodCommitments(request);
  const logged = meals.filter((m) => !m.skipped);
  const skipped = meals.filter((m) => m.skipped);
  const parts: string[] = [];
  if (logged.length > 0) {
    parts.push(`Logged ${joinList(logged.map((m) => (m.foods.length > 0 ? `${m.meal} (${m.foods.join(', ')})` : m.meal)))}`);
  } else if (foods.length > 0) {
    parts.push(`Mentioned ${joinList(foods)}`);
  }
  if (skipped.length > 0) parts.push(`skipped ${joinList(skipped.map((m) => m.meal))}`);
  if (water_ml > 0) parts.push(`water ${water_ml} ml`);
  if (commitments.length > 0) parts.push(`${commitments.length} food-related commitment${commitments.length === 1 ? '' : 's'}`);
  return {
    agent: AGENT_NAME,
    status: 'ok',
    findings: { meals, foods, drinks, water_ml, commitments },
    flags: {},
    summary: parts.length > 0 ? `${parts.join('; ')}.` : 'No meals, foods or drinks mentioned.',
  };
}
