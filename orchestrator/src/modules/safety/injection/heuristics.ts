/**
 * Hand-written cues for prompt injection in English, German, French and Spanish: overriding earlier
 * instructions, changing the assistant's role, extracting the system prompt, and indirect injections
 * addressed to "the AI" inside documents or tool output. Each cue is also a feature of the learned model,
 * which decides how much it counts; a few cues are strong enough to flag text on their own.
 */
export interface InjectionCue {
  id: string;
  pattern: RegExp;
  /** Strong cues flag text even when the learned model is unsure (e.g. in long retrieved documents). */
  strong: boolean;
}

const IGNORE = String.raw`(?:ignore|disregard|forget|skip|override|bypass|drop|vergiss|vergessen|ignorier\w*|missachte\w*|überschreib\w*|oublie\w*|ignore[rz]?|olvida\w*|ignora\w*)`;
const PRIOR = String.raw`(?:all|any|every|the|your|my|previous|prior|above|earlier|preceding|former|alle[sn]?|vorherigen?|bisherigen?|obigen?|vorangegangenen?|toutes?|les|précédentes?|todas?|las|anteriores?)`;
const RULES = String.raw`(?:instructions?|prompts?|rules?|directions?|guidelines?|tasks?|context|orders?|commands?|anweisungen|instruktionen|aufgaben?|befehle|regeln|vorgaben|informationen|consignes|instructions|instrucciones|reglas|everything|alles|tout|todo)`;

export const INJECTION_CUES: InjectionCue[] = [
  { id: 'ignore_previous', pattern: new RegExp(String.raw`\b${IGNORE}\b(?:\s+\w+){0,3}?\s+(?:${PRIOR}\s+){0,3}${RULES}\b`, 'iu'), strong: true },
  { id: 'forget_everything', pattern: /\b(?:forget|vergiss|oublie|olvida)\s+(?:about\s+)?(?:everything|all|alles|tout|todo)\b/iu, strong: true },
  {
    id: 'new_instructions',
    pattern: /\b(?:new|neue[nr]?|nouvelles?|nuevas?)\s+(?:instructions?|task|aufgabe|anweisung(?:en)?|consignes?|instrucciones|tarea)\b/iu,
    strong: false,
  },
  {
    id: 'now_you_are',
    pattern: /\b(?:you are now|from now on(?: you)?|you're now|ab (?:jetzt|sofort) (?:bist|wirst) du|du bist (?:jetzt|nun)|tu es maintenant|ahora eres)\b/iu,
    strong: false,
  },
  {
    id: 'act_as',
    pattern:
      /\b(?:act as|pretend (?:to be|you are)|roleplay as|play the role|i want you to act|behave like|tu so als|stell dir vor,? du bist|agis comme|actúa como|finge ser)\b/iu,
    strong: false,
  },
  {
    id: 'system_prompt',
    pattern:
      /\b(?:system ?prompt|initial prompt|hidden prompt|your (?:prompt|instructions)|prompt texts?|systemanweisung\w*|deine anweisungen|dein(?:en)? prompt)\b/iu,
    strong: false,
  },
  {
    id: 'reveal',
    pattern:
      /\b(?:reveal|show|print|repeat|output|leak|zeig\w*|gib\s+\w*\s*aus|wiederhole|révèle|muestra)\b.{0,40}\b(?:prompt|instructions?|anweisungen|password|passwort|secret|geheim\w*|api key)\b/iu,
    strong: false,
  },
  {
    id: 'jailbreak',
    pattern:
      /\b(?:jailbreak|DAN|do anything now|developer mode|dev mode|no restrictions|without (?:any )?restrictions|ohne einschränkungen|unfiltered|uncensored)\b/u,
    strong: true,
  },
  {
    id: 'addressed_to_ai',
    pattern:
      /\b(?:(?:note|attention|message|instruction) (?:to|for) (?:the )?(?:ai|assistant|llm|model|chatbot)|(?:ai|assistant|llm)s? (?:reading|processing) this|if you are an? (?:ai|language model|assistant))\b/iu,
    strong: true,
  },
  { id: 'stop_attention', pattern: /\b(?:stop|halt|achtung|attention|stopp)\b\s*[-:!,.]/iu, strong: false },
  {
    id: 'fake_role_marker',
    pattern: /(?:^|\n)\s*(?:system|assistant|###\s*(?:system|instruction))\s*:|<\/?(?:system|im_start|im_end)>|\[\/?INST\]/iu,
    strong: true,
  },
  {
    id: 'now_focus',
    pattern:
      /\b(?:now (?:focus|concentrate|answer|write|say|tell)|nun (?:konzentrier\w*|schreib\w*|sag\w*)|jetzt (?:konzentrier\w*|schreib\w*|sag\w*|antworte))\b/iu,
    strong: false,
  },
  { id: 'exfiltrate', pattern: /\b(?:send|post|forward|email|exfiltrate)\b.{0,40}\b(?:to|an)\s+(?:https?:\/\/|[\w.-]+@[\w-]+\.)/iu, strong: true },
];

export function matchCues(text: string): InjectionCue[] {
  return INJECTION_CUES.filter((cue) => cue.pattern.test(text));
}
