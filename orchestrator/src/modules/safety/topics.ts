/**
 * Topic policy: tenant phrase lists for refused and escalated topics, matched case- and
 * diacritic-insensitively on word boundaries ("Kündigung" matches "kundigung"), plus a built-in detector
 * for "let me talk to a human" in English, German, French, Spanish, Italian, Portuguese and Dutch.
 */
import type { TopicPolicy } from './safety.schema';

export interface TopicFinding {
  kind: 'disallowed' | 'escalate' | 'human_request';
  topicId: string;
  phrase: string;
  reply?: string;
}

export const foldText = (text: string): string => text.normalize('NFKD').replace(/\p{M}/gu, '').replace(/ß/g, 'ss').toLowerCase();

const escapeRegex = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function phraseRegex(phrases: readonly string[]): RegExp | undefined {
  if (phrases.length === 0) return undefined;
  const alternatives = phrases.map((p) => escapeRegex(foldText(p.trim())).replace(/\s+/g, '\\s+'));
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives.join('|')})(?![\\p{L}\\p{N}])`, 'u');
}

const HUMAN = String.raw`(?:human|person|real person|real human|(?:live |real |customer service |support )?agent|representative|rep|operator|someone|somebody|manager|supervisor|your boss|staff member|employee)`;
const HUMAN_REQUEST_PATTERNS: RegExp[] = [
  new RegExp(String.raw`\b(?:talk|speak|chat|connect|transfer|put)\w*\s+(?:me\s+)?(?:to|with|through to)\s+(?:a|an|the|your|some)?\s*${HUMAN}\b`, 'u'),
  /\b(?:human|real person|live agent|live person),?\s+please\b|\bi (?:want|need|would like) (?:a|an) (?:human|real person|agent|representative)\b|\bno more (?:bots?|robots?)\b/u,
  /\bmit\s+(?:einem|einer|ihrem|ihrer|dem|der)?\s*(?:echten\s+|richtigen\s+)?(?:menschen|mensch|mitarbeiter(?:in)?|person|berater(?:in)?|kundenberater(?:in)?|sachbearbeiter(?:in)?|vorgesetzten|kundendienst|support)\s+(?:\w+\s+)?(?:sprechen|reden|verbunden|chatten)\b/u,
  /\b(?:verbinden sie mich|ich mochte (?:einen|eine) (?:menschen|mitarbeiter(?:in)?|person)|echte(?:n)? (?:menschen|person))\b/u,
  /\bparler\s+(?:a|avec)\s+(?:un|une|quelqu'un|le|la)?\s*(?:vrai(?:e)?\s+)?(?:humain|conseiller(?:e)?|agent|personne|operateur|operatrice|responsable|quelqu'un)\b|\bune? vraie? (?:personne|humain)\b/u,
  /\bhablar\s+con\s+(?:un|una|el|la|alguien)?\s*(?:humano|persona|agente|asesor(?:a)?|operador(?:a)?|representante|alguien|encargado)\b|\bpersona real\b/u,
  /\bparlare\s+con\s+(?:un|una|un')?\s*(?:operatore|operatrice|persona|umano|consulente|addetto)\b/u,
  /\bfalar\s+com\s+(?:um|uma|o|a)?\s*(?:atendente|humano|pessoa|agente|operador(?:a)?)\b/u,
  /\b(?:(?:spreken|praten)\s+met\s+(?:een|de)?\s*(?:mens|medewerker|persoon|echte persoon)|met\s+(?:een|de)\s+(?:mens|medewerker|persoon|echte persoon)\s+(?:spreken|praten))\b/u,
];

export function detectHumanRequest(text: string): boolean {
  const folded = foldText(text);
  return HUMAN_REQUEST_PATTERNS.some((re) => re.test(folded));
}

const compiled = new WeakMap<TopicPolicy, Array<{ kind: 'disallowed' | 'escalate'; id: string; regex: RegExp; reply?: string }>>();

function compileTopics(policy: TopicPolicy) {
  let topics = compiled.get(policy);
  if (!topics) {
    topics = [];
    for (const t of policy.disallowed) {
      const regex = phraseRegex(t.phrases);
      if (regex) topics.push({ kind: 'disallowed', id: t.id, regex, reply: t.reply });
    }
    for (const t of policy.escalate) {
      const regex = phraseRegex(t.phrases);
      if (regex) topics.push({ kind: 'escalate', id: t.id, regex });
    }
    compiled.set(policy, topics);
  }
  return topics;
}

export function detectTopics(text: string, policy: TopicPolicy): TopicFinding[] {
  const folded = foldText(text);
  const findings: TopicFinding[] = [];
  for (const topic of compileTopics(policy)) {
    const m = topic.regex.exec(folded);
    if (m) findings.push({ kind: topic.kind, topicId: topic.id, phrase: m[0], ...(topic.reply ? { reply: topic.reply } : {}) });
  }
  if (policy.detectHumanRequest && detectHumanRequest(text)) findings.push({ kind: 'human_request', topicId: 'human_request', phrase: '' });
  return findings;
}
