/**
 * The crisis screen's rules (English and Spanish), in the pattern language of patterns.ts, over normalised
 * tokens (folded, no accents, contractions expanded: "can't" → "cannot", "don't" → "do not").
 *
 * A rule fires on a match unless one of the screen's checks suppresses it (screen.ts): a figurative idiom
 * overlapping the match, negation before it in its clause, another person as the subject (for rules about
 * the writer), resolved history, or one of the rule's own `unless` contexts in the sentence. `with` names
 * context that must appear somewhere in the text for the rule to fire at all.
 */
import type { CrisisCategory, Severity } from './types.js';

export interface RuleSpec {
  /** Stable id: category.subtype (reported; never the user's words). */
  id: string;
  category: CrisisCategory;
  severity: Severity;
  patterns: string[];
  /** 'self' (default): about the writer, so another person as the subject suppresses it. */
  subject?: 'self' | 'any';
  /** Negation before the match suppresses it (default true). */
  negatable?: boolean;
  /** Resolved history ("years ago", "used to") suppresses it (default true). */
  history?: boolean;
  /** Sentence contexts that suppress the rule. */
  unless?: string[];
  /** Text contexts of which one must be present. */
  with?: string[];
  /** Number check for rules with a `#` (e.g. blood glucose). */
  number?: (n: number) => boolean;
  /** A negator inside the match suppresses it too ("my husband never hits me"), unless the pattern spells it. */
  negationInside?: boolean;
  /** Imminence words ("tonight", "plan", "pills") raise the severity to critical. */
  imminence?: boolean;
}

const PILLS =
  'pill*|tablet*|meds|medication*|medicine*|capsule*|antidepressant*|painkiller*|sleeping|tylenol|advil|aspirin|' +
  'xanax|valium|ativan|klonopin|oxy*|percocet|vicodin|morphine|fentanyl|opioid*|insulin|warfarin|lithium|' +
  'paracetamol|acetaminophen|ibuprofen|benadryl|seroquel|zoloft|prozac|ambien|heroin|drugs|benzos|narcotics|' +
  'hydrocodone|codeine|tramadol|gabapentin|trazodone|eliquis|xarelto|coumadin|digoxin|metformin';
const HIGH_RISK =
  'insulin|warfarin|coumadin|eliquis|apixaban|xarelto|rivaroxaban|heparin|blood+thinner*|anticoagulant*|digoxin|' +
  'lithium|morphine|oxy*|fentanyl|methadone|hydrocodone|opioid*|glipizide|glyburide|heart+pill*|heart+medication*|' +
  'sleeping+pill*|xanax|valium|ativan|seizure+med*|tylenol|acetaminophen|paracetamol';
const PERSON =
  'he|she|they|husband|wife|partner|boyfriend|girlfriend|son|daughter|grandson|granddaughter|caregiver*|carer|aide|' +
  'nurse|brother|sister|father|dad|mother|mom|mum|stepfather|stepmother|stepdad|stepmom|ex|nephew|niece|uncle|aunt|' +
  'cousin|neighbor|neighbour|landlord|roommate|someone|somebody|man|guy|spouse|fiance|child|kids|children|' +
  'grandchildren|family|staff|attendant|helper|worker|grandkids|people';
const ES_PERSON =
  'esposo|esposa|marido|mujer|pareja|novio|novia|hijo|hija|nieto|nieta|hermano|hermana|cuidador|cuidadora|padre|madre|' +
  'papa|mama|yerno|nuera|sobrino|sobrina|vecino|vecina|enfermera|enfermero|ex';

/** Every rule of the screen. */
export const RULES: RuleSpec[] = [
  // ── Suicidal intent and passive ideation ──────────────────────────────────────────────────────────
  {
    id: 'suicidal_intent.intent',
    category: 'suicidal_intent',
    severity: 'critical',
    imminence: true,
    patterns: [
      'kill|killing|killed|kil|murder unalive? myself|my+self|me+self',
      'unalive*',
      'end|ending|take|taking|took my own? life',
      'end|ending it all',
      'commit|committing|commited|committed suicide',
      'suicidal',
      'i+am|feel|feeling|felt|im suicide',
      '(commit|committing|considering|contemplating|thinking|thought|thoughts|think|plan|planning|planned|attempt|attempted|attempting|want|wanted|ideation) ~2 suicide',
      'suicide ~1 (plan|note|attempt|thoughts|ideation)',
      'hang|hanging|shoot|shooting|drown|drowning|poison|poisoning myself',
      'slit|slitting|cut|cutting my wrists',
      'jump|jumping off|from ~2 bridge|building|roof|balcony|cliff|tower|window',
      'jump|jumping|step|stepping|walk|walking|throw+myself in front of ~2 train|bus|truck|car|traffic',
      'drive|driving|crash ~3 off|into ~2 bridge|cliff|wall|tree|traffic',
      'write|wrote|writing|written ~3 goodbye|suicide letter|note|letters|notes',
      'said|saying my goodbyes',
      'saving|save|saved|stockpiling|hoarding|collecting ~1 up? my? pills|meds|tablets',
    ],
    unless: ['end it with', 'killing|kill myself ~2 laughing|working'],
  },
  {
    id: 'suicidal_intent.ideation',
    category: 'suicidal_intent',
    severity: 'high',
    imminence: true,
    patterns: [
      '(want|wanted|going|ready|plan|planning|decided|gonna) to end it $',
      '(want|wanted|going|ready|plan|planning|decided) to end it tonight|now|today|all',
      'want|wanted|wanting|wish|ready|need|deserve|longing|prefer to die',
      'rather be dead|die',
      'wish i was|were|could+be dead|die|died',
      'wish i had|would never ~1 been+born|woken+up|wake+up',
      'better off dead|gone',
      'better off ~2 without me',
      'would be better ~3 without me',
      'better off if i ~1 died|gone|dead|not+here|disappeared',
      'not ~2 want to live|exist|be+alive|go+on|keep+going|continue+living|be+around|be+here+anymore',
      'no longer want to live|exist|be+alive|be+here|go+on',
      'not want to wake up',
      'no|not ~1 reason|point|purpose|will to|in|for live|living|go+on|going+on|keep+going|life|be+alive',
      'no will to live',
      'what is the point of|in living|life|anymore|going+on',
      'life is not|no|isnt worth living|it',
      'not worth living',
      'tired|sick of living|being+alive|life|existing',
      'done with life|living|being+alive',
      'cannot go on|keep+going ~2 anymore|like+this',
      'thinking|thought|thoughts|think about|of ending|end things|it|my+life|everything',
      'ending things $',
      'go to sleep|bed and never|not wake up',
      'never wake up again',
      'disappear forever|permanently|for+good',
      'if i disappeared|died|was+gone|were+gone|was+dead|were+dead|was+not+here|were+not+here|killed+myself|was+no+longer+here',
      'want|wanted it|everything|this ~1 to end|be+over',
      'ready to go ~2 goodbye',
      'sewerslide|suicide myself',
    ],
    unless: ['when my|the time comes', 'die at home|peacefully|naturally|of+old+age|with+dignity|old', 'end it with'],
  },
  {
    id: 'suicidal_intent.explicit_es',
    category: 'suicidal_intent',
    severity: 'high',
    imminence: true,
    patterns: [
      'quiero|quisiera|quise|deseo|necesito|ganas ~1 de? morir|morirme|matarme|suicidarme|desaparecer|estar+muerto|estar+muerta|dejar+de+vivir|no+despertar|quitarme+la+vida|acabar+con+todo|acabar+con+mi+vida',
      'me quiero|quisiera morir|matar|suicidar',
      'me voy a matar|suicidar',
      'voy a suicidarme|matarme|quitarme+la+vida',
      'matarme|suicidarme',
      'suicida',
      '(pensado|pienso|pensando|pense|intentar|intente|intento|cometer|ideas|pensamientos) ~2 suicid*',
      'quitarme la vida',
      'acabar|terminar con mi vida|todo|mi+existencia',
      'no quiero seguir? vivir|viviendo|existir|despertar|estar+aqui|seguir+aqui',
      'no vale|merece la pena vivir|seguir|seguir+viviendo',
      'no tengo|tiene|hay ~1 razon*|sentido|motivo*|ganas de|para? vivir|seguir',
      'estarian|estaria|estarán mejor sin mi',
      'mejor estar|estaria muerto|muerta',
      'ojala ~1 no+despertar|me+muriera|estuviera+muerto|estuviera+muerta|no+existiera|desaparecer|no+haber+nacido',
      'desaparecer para siempre',
      'pienso en ~1 matarme|morir|morirme|suicidarme|quitarme',
    ],
  },
  // ── Self-harm ─────────────────────────────────────────────────────────────────────────────────────
  {
    id: 'self_harm.explicit',
    category: 'self_harm',
    severity: 'high',
    imminence: true,
    patterns: [
      'cut|cutting|cuts|burn|burned|burnt|burning|burns|hurt|hurting|hurts|harm|harming|harmed|hit|hitting|punch|punching|scratch|scratching|scratched|bite|biting|starve|starving|injure|injured|injuring myself|my+self',
      'self|auto harm*|injur*|mutilat*',
      'selfharm*',
      'want|wanted|urge|urges|going|gonna|need|needed|tempted|craving to cut|burn|harm $',
      'want|wanted|urge|urges|going|need|tempted to cut|burn|harm again|my+wrist*|my+arm*|my+leg*|my+thigh*|my+skin',
      'cut|cutting|slice|slicing|slit my wrist*|arm*|thigh*|leg*|skin|stomach',
      'relapsed|relapse ~3 cut*|self+harm*|harm*|burn*',
      'cut|cutting|scratch*|burn*|hit*|punch*|bang*|hurt* ~6 on purpose',
      'started|start|stop|quit cutting again?',
    ],
    unless: [
      'cut myself a|an|some|another|off|short|slack|in|out|free',
      'cut|hurt|burn|burned|burnt|injure|injured myself ~3 shaving|cooking|chopping|slicing|gardening|lifting|playing|running|exercising|working|while|when|on+the|on+a|with+the|at+the|at+work|by+accident|accidentally|opening|fixing|making|ironing|baking|washing|cleaning|falling',
      'cut|cutting my wrist|arm|leg|hand|finger|thumb|skin ~3 on+a|on+the|while|by+accident|accidentally|cooking|glass|can',
      'kick myself',
      'by accident|accidentally',
    ],
  },
  {
    id: 'self_harm.explicit_es',
    category: 'self_harm',
    severity: 'high',
    imminence: true,
    patterns: [
      'cortarme|lastimarme|quemarme|autolesion*|autolesionarme|mutilarme',
      '(quiero|voy+a|ganas+de) hacerme|hacer dano',
      'hacerme dano',
      'me hago|estoy+haciendo dano',
      'me hago dano',
      'me corto|me+estoy+cortando|me+quemo',
      'me corte|corto|quemo|queme ~2 las|los|el|la venas|brazo*|muneca*|pierna*|piel|muslo*',
      'me hice|he+hecho dano ~3 a+proposito|a+mi+misma|a+mi+mismo',
      'me lastimo|lastime|corto|corte|golpeo|quemo ~3 a+proposito',
    ],
    unless: ['el|mi pelo|cabello|unas|barba|flequillo', 'cocinando|jugando|sin+querer|por+accidente|accidente|con+el+horno|en+la+rodilla'],
  },
  // ── Overdose: intentional and accidental (insulin, blood thinners, high-risk medicines) ──────────
  {
    id: 'overdose.intentional',
    category: 'overdose',
    severity: 'critical',
    history: true,
    patterns: [
      `took|take|taken|taking|swallowed|swallow|downed|ate|popped|chugged ~3 whole|entire|all|handful|bunch|bottle|box|pack|packet|fistful|load|dozens|lots|loads|strip ~4 ${PILLS}`,
      `took|take|taken|taking|swallowed|downed|popped ~2 too|way ~1 many|much ~3 ${PILLS}`,
      `took|taken|swallowed|downed|popped ~2 # ~3 ${PILLS}`,
      'overdosed|overdosing|overdose',
      `${PILLS} ~3 to make it stop|end|so+i+can+die|to+die`,
      'took|taken|swallowed ~3 to end it|my+life|die',
    ],
    number: (n) => n >= 8,
    unless: [
      'overdos* on chocolate|candy|sugar|coffee|caffeine|netflix|tv|television|sweets|cake|cookies|pizza|food|sun|love|work|news|social|youtube|tiktok|games|shopping|cheese|ice|junk|carbs|christmas|holiday|cuteness|nostalgia|drama|exercise|podcasts|memes',
      'scared|afraid|worried|fear|terrified|careful|avoid|prevent|risk|danger*|avoiding|afraid+of|how ~3 overdos*',
      'how many|much ~3 should|can|do|to',
      'naloxone|narcan training|awareness',
    ],
  },
  {
    id: 'overdose.accidental',
    category: 'overdose',
    severity: 'critical',
    patterns: [
      `took|take|taken|injected|inject|gave|given|used|double*|doubled|had ~3 twice|double|two+doses|extra|too+much|2+doses|wrong|again|second ~3 ${HIGH_RISK}`,
      `${HIGH_RISK} ~4 twice|two+times|double|again+by+mistake|by+mistake|by+accident|accidentally|too+much|extra+dose`,
      `too much|extra ${HIGH_RISK}`,
      `double|doubled up? on|dosed ~2 ${HIGH_RISK}`,
      'took|taken|swallowed ~4 pill*|meds|medication*|medicine*|tablets ~3 by accident|by mistake|accidentally',
      'accidentally took|swallowed|injected|had ~4 pill*|meds|medication*|medicine*|tablets|dose|doses',
      'injected|inject ~2 way? too much|twice|double|extra',
    ],
    unless: ['forgot|forget|missed|skip|skipped|forgetting'],
  },
  {
    id: 'overdose.es',
    category: 'overdose',
    severity: 'critical',
    patterns: [
      'tome|trague|tomo|tomado|tragado ~3 todas|todo|frasco|caja|muchas|demasiadas|monton|punado|puñado|blister|# ~4 pastillas|pildoras|medicinas|medicamentos|capsulas|comprimidos|tabletas|insulina|warfarina|sintrom|somniferos',
      'sobredosis',
      'me inyecte|puse|tome|meti ~3 doble|demasiada|de+mas|dos+veces|otra+vez|mucha ~3 insulina|warfarina|sintrom|dosis|pastilla*',
      'insulina|warfarina|sintrom|dosis|pastilla* ~3 dos+veces|doble|de+mas|por+error|sin+querer|por+equivocacion',
      'demasiada|mucha insulina',
      'tome|tomado ~2 doble|el+doble|dos+veces|de+mas ~3 warfarina|sintrom|insulina|dosis|pastilla*',
    ],
    number: (n) => n >= 8,
    unless: ['olvido|olvide|olvidaba|no+me+tome|no+me+puse|se+me+olvido'],
  },
  // ── Abuse and violence (incl. elder abuse, neglect, financial abuse, threats) ─────────────────────
  {
    id: 'abuse.physical',
    category: 'abuse',
    severity: 'high',
    subject: 'any',
    negationInside: true,
    patterns: [
      `${PERSON} ~3 hit|hits|hitting|beat|beats|beating|beaten|kick|kicks|kicked|kicking|slap|slaps|slapped|slapping|punch|punches|punched|punching|choke|chokes|choked|choking|strangle*|smack*|shove|shoves|shoved|abuse|abuses|abused|abusing|rape|raped|rapes|molest*|assault*|attack*|hurt|hurts|hurting|bit|bites|burned|burns|tied|ties|restrain*|throttle*|whip*|threaten|threatens|threatened|threatening me`,
      `${PERSON} ~5 push|pushes|pushed|pushing|shove|shoved|threw|throws|throw|grab|grabs|grabbed|grabbing|drag|drags|dragged|knocked|knocks me ~2 down|over|into|against|onto|off|around|out+of+bed|to+the+floor|to+the+ground|by+the+arm|by+the+hair|by+the+throat|by+the+neck|by+the+wrist|so+hard|and|across`,
      `${PERSON} ~3 threw|throws|throwing ~3 at me`,
      '(going|gonna|will|wants|want|trying|tried|try|threatened|threatens|threatening) to? kill|hurt|beat|hit|shoot|stab|strangle|choke me',
      'threatened|threatens|threatening ~2 to kill|hurt|beat|hit|shoot|stab me|us',
      'afraid|scared|terrified|frightened ~1 of|to+go+home ~2 my? husband|wife|partner|son|daughter|boyfriend|girlfriend|caregiver|carer|grandson|granddaughter|nephew|father|mother|brother|sister|him|her',
      'afraid|scared|terrified to go|be home|back+home',
      '(i+am|being|was|been|get|got|getting) ~1 abused|beaten|raped|molested|assaulted|strangled|choked',
      'domestic violence|abuse',
      'elder abuse',
      'abusive husband|partner|relationship|son|daughter|boyfriend|girlfriend|caregiver|wife|marriage|family',
      'sexual* assault*|abus*',
      `${PERSON} ~3 locks|locked|lock|keeps|kept me ~1 in|inside|out|up|away`,
      `${PERSON} ~3 will+not|does+not|would+not|refuses+to|never|cannot ~1 let|give|allow me ~3 eat|food|medication|medicine|meds|leave|go+out|see|call|phone|my+pills|water|insulin|doctor`,
      `${PERSON} ~3 leaves|left|leave me ~3 without food|without+water|without+my+medication|alone+for+days|in+my+own`,
    ],
    unless: [
      'beat|beats|beaten|beating me at|in|to',
      'hit|hits me up|with+the+news|with+a+question',
      'it|that|reality|news ~2 hit|hits me',
      'kick|kicks|kicked me out+of+the+kitchen',
      'push|pushes|pushed|pushing me to',
      'sweets|candy|cake|dessert|junk|soda|chocolate',
      'ball|game|pillow|playing|play|tickle|tickling|joke|joking|kidding|accident|accidentally',
    ],
  },
  {
    id: 'abuse.financial',
    category: 'abuse',
    severity: 'high',
    subject: 'any',
    patterns: [
      `${PERSON} ~3 take|takes|took|taking|steal|steals|stole|stealing|stolen|control|controls|keeps|kept|spends|spent|cashes|cashed|empties|emptied|drains|drained ~3 my money|pension|savings|social+security|checks|check|card|bank|benefits|account`,
      'steal|steals|stole|stealing|stealing|taking|takes ~2 money|pension|savings|checks from my? ~1 account|bank|me',
      'will+not|does+not|would+not let me ~2 have|use|see my money|card|pension|bank|account',
    ],
  },
  {
    id: 'abuse.threat_by_writer',
    category: 'abuse',
    severity: 'high',
    patterns: [
      '(going|gonna|will|want|plan|planning) to kill|shoot|stab|murder|hurt|strangle him|her|them|someone|somebody|people|everyone|my',
      'want to hurt someone|somebody|people|others',
    ],
    with: ['gun|guns|knife|knives|weapon|rifle|pistol|shotgun|seriously|ammo|bullets', 'want to hurt someone|somebody|people|others'],
    unless: ['for eating|taking|drinking|using|borrowing|forgetting|leaving|losing|breaking|not|being|making|stealing|finishing|telling|spoiling|doing'],
  },
  {
    id: 'abuse.es',
    category: 'abuse',
    severity: 'high',
    subject: 'any',
    negationInside: true,
    patterns: [
      'me pega|pego|pegaba|pegan|golpea|golpeo|golpeaba|golpean|maltrata|maltrato|maltrataba|maltratan|empuja|empujo|empujaba|empujan|patea|pateo|ahorca|ahorco|abusa|abuso|abusaba|violo|viola|encierra|encerro|lastima|amenaza|amenazo|amenazan|zarandea|cachetea|cacheteo',
      'me quiere|va+a|amenazo+con matar|pegar|golpear|matarme|pegarme|golpearme',
      'amenazo|amenaza ~1 con matarme|pegarme|golpearme|matar|hacerme+dano',
      `miedo ~1 de|a mi ~1 ${ES_PERSON}`,
      'miedo de|a volver|ir|estar ~1 a|en casa',
      'quita|quito|roba|robo|saca|saco|gasta|gasto|controla|queda+con ~3 mi? dinero|pension|tarjeta|ahorros|cuenta|jubilacion',
      'no me deja ~1 comer|salir|ver|llamar|tomar|usar',
      'violencia domestica|familiar',
      'maltrato|maltratada|maltratado',
      'abusan|abusa|abuso de mi',
      'me violaron|violo|violaron',
      'abuso sexual|fisico',
    ],
    unless: ['se me pego|pega', 'me pego un|una susto|siesta|ducha|bano|golpe', 'dulces|azucar|postre'],
  },
  // ── Medical emergencies ───────────────────────────────────────────────────────────────────────────
  {
    id: 'medical_emergency.chest_pain',
    category: 'medical_emergency',
    severity: 'critical',
    patterns: [
      'chest pain|pains|pressure|tightness|heaviness|discomfort|ache|squeezing',
      'pain|pressure|tightness|heaviness|squeezing|crushing|burning|weight|ache ~2 in|on my chest',
      'my? chest ~1 is|feels|has+been|keeps ~2 hurting|hurts|hurt|tight|heavy|painful|crushing|squeezing|aching|sore|killing+me|burning|pounding',
      'my chest hurts|aches|is+tight|tight',
      'elephant|weight ~4 on my chest',
      'pain ~3 spread*|radiat*|going|shoot*|moving|travel* ~3 down|to|into ~2 arm|jaw|shoulder|neck',
      '(having|have|think|might|maybe|is+this|could+be) ~3 heart attack',
      'heart attack ~2 right now|now',
    ],
    unless: [
      'chest|ribs|sides|stomach|belly|abs|face ~3 from|after|with laughing|laughter|giggling|the+gym|working+out|exercise|exercising|sit+ups|crunches|push+ups|pushups|coughing',
      'laughing|laughed|laughter ~4 chest',
      '(nearly|almost|practically|about+to|would+have|will) ~2 had|have|gave|give|giving|having ~2 heart attack',
      'gave|give|giving me a heart attack',
      'heart attack moment|on+a+plate|waiting+to+happen',
      'recovering|recovery|rehab|anniversary|since my',
    ],
  },
  {
    id: 'medical_emergency.breathing',
    category: 'medical_emergency',
    severity: 'critical',
    patterns: [
      'cannot|could+not|unable+to|struggling+to|hard+to|trouble|difficulty|difficult+to|barely|hardly|problems|fighting+to ~1 breathe|breath|breathing|catch+my+breath|get+air|get+any+air',
      'gasping|fighting for air|breath',
      'lips ~3 blue|purple',
      'i+am|am|is choking $',
      'choking ~2 cannot|and',
      'throat ~3 closing|closed|swelling|swollen|tight|tightening|shutting',
      'no puedo ~1 respirar',
      'me falta ~1 el? aire',
      'me ahogo|estoy+ahogando',
      'no me entra ~1 el? aire',
      'me cuesta ~1 respirar',
      'dificultad|problemas para respirar',
      'garganta ~3 cerrando|cierra|cerrada|hinchada|inflamada',
    ],
    unless: [
      'nose|nostril*|stuffy|congested|congestion|blocked|mask|laugh*|laughed|laughter|giggl*|view|beautiful|heat|humid*|smell|stink*|cold|gorgeous|nariz|risa|congestion|resfriado|tapada',
      'take|took|takes my breath away',
      'breathe|breath ~2 easy|easier|sigh',
      'did not choke|choking on my words',
      'choked up',
    ],
  },
  {
    id: 'medical_emergency.stroke',
    category: 'medical_emergency',
    severity: 'critical',
    patterns: [
      'face|mouth|smile|lip ~3 droop*|crooked|lopsided|numb|uneven|sagging|falling|drops|dropped|twisted',
      'one side of my ~1 face|body|mouth',
      'cannot|could+not ~1 feel|move|lift|raise|use my ~1 left|right|one? arm|leg|hand|side|face|fingers',
      'left|right|one arm|leg|side|hand ~3 numb|weak|dead|limp|heavy|not+working|will+not+move|tingling|paralyzed|gave+out|went+numb|floppy',
      'numb* ~3 one side|left+side|right+side|half+my|half+of+my',
      'words ~4 wrong|jumbled|garbled|slurred|funny|weird|mixed+up|strange|will+not+come|not+coming|are+not+coming|do+not+make+sense|nonsense',
      'speech ~2 slurred|slurring|garbled|weird|strange|off|not+right',
      'slurring|slurred my? words|speech',
      'i+am|am slurring',
      'cannot|could+not speak|talk|get+my+words+out|get+the+words+out|find+my+words|find+the+words|say+words|form+words',
      'sudden* ~3 confusion|confused|cannot+see|vision|blind|numb*|weak*|trouble+walking|dizzy+and',
      '(having|think|might|maybe|is+this|could+be|feels+like) ~3 a? stroke',
      'stroke ~2 right now|now',
      'cara ~2 caida|torcida|dormida|paralizada|chueca',
      'se me cae|cayo|duerme|durmio|tuerce|torcio|entumecio|adormecio ~3 cara|boca|brazo|pierna|lado',
      'un lado de la|mi cara|cuerpo',
      'no puedo mover|sentir|levantar ~2 brazo|pierna|mano|lado',
      'no siento el|la|mi ~1 brazo|pierna|mano|lado|cara',
      'no puedo hablar bien|claro',
      'hablo|hablando raro|mal',
      'arrastro|arrastrando las palabras',
      'no me salen las palabras',
      'estoy+teniendo|tengo|creo+que+tengo|me+esta+dando|me+dio|me+da ~2 derrame|ictus|embolia|infarto|ataque+al+corazon|ataque+cardiaco',
    ],
    unless: ['stroke of', 'breast|back|swim* stroke', 'recovering|recovery|rehab|anniversary|since my|years|ano|anos', 'numb* from|after ~2 dentist|injection|novocaine|shot|anesthesia|sleeping+on', 'fell asleep|sleeping on', 'dormida por|de+dormir'],
  },
  {
    id: 'medical_emergency.chest_es',
    category: 'medical_emergency',
    severity: 'critical',
    patterns: [
      'dolor|presion|opresion|punzada ~2 de|en el? pecho',
      'me duele ~3 pecho',
      'pecho ~2 apretado|oprimido',
      'dolor ~3 brazo izquierdo ~3 pecho',
    ],
    unless: ['risa|reir|tos|toser|gimnasio|ejercicio'],
  },
  {
    id: 'medical_emergency.anaphylaxis',
    category: 'medical_emergency',
    severity: 'critical',
    patterns: [
      'tongue|lips|lip|face|mouth|throat|eyes ~3 swelling|swollen|swelled|puffing|blowing+up|is+swelling|swell',
      'anaphyla*',
      '(used|use|need|needed|give|gave|injected) ~2 my? epipen|epi+pen',
      'severe|bad|serious|major allergic reaction',
      'lengua|labios|cara|boca|garganta ~2 hinchad*|inflamad*',
      'se me hincha|hincharon|esta+hinchando ~2 la|los lengua|labios|cara|boca|garganta',
      'reaccion alergica ~1 fuerte|grave|severa',
      'shock anafilactico',
    ],
    with: [
      'allerg*|reaction|stung|sting|bee|wasp|peanut*|nut|nuts|shrimp|shellfish|ate|eating|breath*|swallow*|hives|epipen|epi|medication|pill|antibiotic*|penicillin|anaphyla*|alergi*|reaccion|picadura|abeja|mariscos|cacahuate*|mani|respirar|tragar|garganta|throat',
    ],
    unless: ['dentist|dental|tooth|wisdom|surgery|bumped|hit|fell|punched|mosquito', 'dentista|muela'],
  },
  {
    id: 'medical_emergency.hypoglycaemia',
    category: 'medical_emergency',
    severity: 'critical',
    patterns: [
      'blood? sugar|sugars|glucose|bg|bs|reading|azucar|glucosa|nivel|glicemia|glucemia ~3 #',
      '# mg+dl|mgdl|mmol|mmoll',
    ],
    number: (n) => (n >= 10 && n < 55) || (n > 0 && n < 3),
    unless: ['was|fue|estaba|yesterday|ayer|last|pasado|usually|normally|normalmente'],
  },
  {
    id: 'medical_emergency.hypoglycaemia_symptoms',
    category: 'medical_emergency',
    severity: 'critical',
    patterns: [
      'sugar|sugars|glucose|hypo|low ~4 very|really|super|too|dangerously|so ~1 low|bottomed|crashing|crashed',
      'azucar|glucosa ~3 muy|demasiado|bajisima ~1 baja|bajo',
      'hypo|hypoglycemi*|hypoglycaemi*|hipoglucemia|hipoglicemia',
    ],
    with: [
      'confused|confusion|confusing|shaking|shaky|sweating|sweaty|dizzy|pass+out|passing+out|faint|fainting|cannot+think|blurry|seizure|trembling|confundid*|mareado|mareada|temblando|sudando|desmayar*|no+puedo+pensar|tembloroso',
    ],
  },
  {
    id: 'medical_emergency.bleeding',
    category: 'medical_emergency',
    severity: 'critical',
    patterns: [
      'bleeding|bleed ~2 heavily|badly|a+lot|everywhere|profusely|through|so+much|nonstop|non+stop|like+crazy|really+bad|will+not+stop|would+not+stop|does+not+stop|has+not+stopped|is+not+stopping',
      'will+not|cannot|does+not|would+not|could+not|has+not|is+not stop|stopped|stopping ~1 bleeding',
      'bleeding ~2 will+not|does+not|would+not|cannot|has+not|is+not ~1 stop|stopped|stopping',
      'lot|lots|pool|puddle|so+much|tons|loads of blood',
      'blood everywhere',
      'coughing|throwing|vomiting|spitting|puking|threw|coughed|vomited ~1 up? blood',
      'vomit* blood',
      'blood in my vomit|stool|poop|urine|pee',
      'black|tarry stool|stools|poop',
      'soaked through ~3 blood|bandage*|towel*',
      'no para|deja de sangrar',
      'sangro|sangrando|sangre ~2 mucho|mucha|sin+parar|por+todas+partes|no+para',
      'mucha sangre',
      'vomit*|tos*|escupiendo ~2 sangre',
      'no para ~2 sangre|de+sangrar',
    ],
    unless: ['bleeding money|me+dry|heart|ears|eyes+from', 'nosebleed|period|menstrua*|shaving|paper'],
  },
  {
    id: 'medical_emergency.bleeding_anticoagulated',
    category: 'medical_emergency',
    severity: 'critical',
    patterns: ['bleeding|bleed|bled|sangrando|sangro|sangre|sangrar'],
    with: ['warfarin|eliquis|xarelto|coumadin|blood+thinner*|heparin|anticoagulant*|apixaban|rivaroxaban|warfarina|sintrom|anticoagulante*'],
    unless: ['blood pressure|sugar|test|work|draw|type|donat*|presion|azucar|analisis'],
  },
  {
    id: 'medical_emergency.head_injury',
    category: 'medical_emergency',
    severity: 'critical',
    patterns: [
      'hit|banged|bumped|smacked|struck|hurt|knocked|cracked ~1 my head',
      'fell|fall|fallen|slipped|tripped ~4 hit|banged|bumped|smacked|struck|landed+on my head',
      'head injury|injuries',
      'me golpee|pegue|di+un+golpe|di ~2 la? cabeza',
      'golpe ~2 en la cabeza',
      'me cai ~4 cabeza',
    ],
    with: [
      'confused|confusion|cannot+remember|can+not+remember|do+not+remember|dizzy|vomit*|throwing+up|threw+up|blurry|double+vision|passed+out|blacked+out|sleepy|drowsy|worst+headache|slurr*|bleeding|blood|thinner*|warfarin|eliquis|xarelto|unconscious|knocked+out|seizure|disoriented|memory|nauseous|confundid*|mareado|mareada|no+recuerdo|no+me+acuerdo|sangr*|vision+borrosa|vomit*|desmaye',
      'fell|fall|fallen|slipped|tripped|me+cai',
    ],
  },
  {
    id: 'medical_emergency.thunderclap_headache',
    category: 'medical_emergency',
    severity: 'critical',
    patterns: [
      'worst headache ~4 life|ever|i+have+ever|i+have+had|i+ever+had',
      'sudden* ~3 severe|terrible|excruciating|explosive|intense|awful|horrible|bad|worst|blinding|splitting|massive|crushing ~1 headache|head+pain',
      'headache ~4 came|hit|started|struck ~3 suddenly|all+of+a+sudden|out+of+nowhere|like+a+thunderclap|instantly|in+seconds|like+a+bolt',
      'thunderclap',
      'peor dolor de cabeza',
      'dolor de cabeza ~3 repentino|subito|de+repente|de+golpe|explosivo',
      'de repente ~3 dolor de cabeza',
    ],
  },
  {
    id: 'medical_emergency.seizure',
    category: 'medical_emergency',
    severity: 'critical',
    patterns: ['(having|just+had|i+am+having|think+i+am+having|am+having) ~1 a seizure|seizures|convulsion*', 'convulsionando|convulsiones'],
  },
];

/** Figurative uses and idioms: a rule match overlapping one of these is not a crisis. */
export const IDIOMS: string[] = [
  'dying to',
  'die|died|dying|dead of|from|with laughing|laughter|boredom|embarrassment|shame|cuteness|curiosity|thirst|hunger|heat|excitement|jealousy|envy',
  'to die for',
  'would|could die for',
  'bored|scared|worried|sick|tired|frightened|freezing|starving to death',
  'kill|killing|killed for ~1 a|some|coffee|pizza',
  'kill|killing time',
  'killed|killing it',
  'kill|killing|killed myself laughing|working|studying|to+finish|to+get|to+make|at+work|at+the+gym|for+this',
  'dead tired|on+my+feet|beat',
  'half dead',
  'stroke of',
  'me muero|moria|mori de ~1 ganas|hambre|risa|sed|sueno|frio|calor|verguenza|amor|aburrimiento|miedo|envidia',
  'morirme|morir de ~1 risa|hambre|verguenza|ganas|aburrimiento',
  'golpe de suerte',
  'me esta matando',
];

/** Words that say the crisis is happening now (they override resolved-history markers in the same clause). */
export const CURRENT_MARKERS = [
  'now|tonight|today|again|still|currently|lately|recently|anymore|tomorrow',
  'right now',
  'these days',
  'this morning|afternoon|evening|week|weekend',
  'ahora|hoy|todavia|aun|ultimamente|manana',
  'esta noche|manana|semana',
  'otra vez',
  'de nuevo',
];

/** Resolved history: in the sentence, they make a match a past event (unless a current marker is in its clause). */
export const HISTORY_MARKERS = [
  '# years|months|decades ago',
  'years|months|decades|long|while ago',
  'a year|month ago',
  'used to',
  'in the past',
  'when|while i was ~2 young|younger|kid|child|teen|teenager|in+high+school|in+college|in+my+teens|in+my+twenties|a+student|#',
  'in my teens|twenties|thirties|forties|fifties|youth|20s|30s|40s',
  'as a kid|child|teen|teenager|young+man|young+woman',
  'back in',
  'in #',
  'last year|decade',
  'history of',
  'past attempt|attempts|history|suicide+attempt',
  'have|has been clean|safe|sober for',
  'clean|sober for',
  'recovered|recovering from',
  'those days are over|behind',
  'hace ~1 # anos|meses|tiempo|mucho',
  'hace ~1 un|una|unos|unas|dos|tres|cuatro|cinco|muchos|varios|mucho ~1 ano|anos|meses|tiempo',
  'cuando era|tenia ~2 joven|nino|nina|adolescente|pequeno|pequena|chico|chica|#',
  'de joven|nino|nina|adolescente',
  'en el pasado',
  'antes solia',
  'solia|solía',
  'el ano pasado',
];

/** The writer says it is behind them: with a past-tense match and no current marker, the match is history. */
export const RESOLUTION_MARKERS = [
  'doing ~1 better|well|fine|good|great|okay',
  'i am ~2 fine|okay|ok|good|well|better|safe|in+a+good+place ~1 now',
  'better now',
  'in a good place',
  'it is gone|passed|over|better',
  'therapy helped|helps',
  'not anymore',
  'no longer',
  'pero ya no',
  'ya estoy ~1 bien|mejor',
  'estoy bien|mejor ahora',
  'ya paso',
];

/** Past-tense words that, with a resolution marker, make a match history. */
export const PAST_WORDS = new Set([
  'wanted', 'was', 'were', 'felt', 'thought', 'tried', 'had', 'used', 'did', 'attempted', 'considered', 'quise',
  'pense', 'intente', 'tuve', 'tenia', 'queria', 'sentia', 'estaba',
]);

/** Words that make a suicidal or self-harm match critical (imminence, plan, means). */
export const IMMINENCE = [
  'tonight|today|now|tomorrow|plan|planned|planning|pills|rope|gun|bridge|goodbye|goodbyes|note|ready|weekend|razor|blade|noose',
  'right now',
  'esta noche',
  'hoy|ahora|manana|plan|pastillas|cuerda|pistola|puente|despedida|despedirme|navaja',
];
