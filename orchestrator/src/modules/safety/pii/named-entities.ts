/**
 * Names, places, organisations, titles and nationalities. `compromise` (offline, ships its own lexicon)
 * tags the tokens; runs of capitalised proper nouns become candidate entities, classified by its tags,
 * the world-countries gazetteer, organisation suffixes and the words around them. Scores stay below
 * the structured recognizers so a phone number inside an address never becomes a name.
 */
import { createRequire } from 'node:module';
import type compromise from 'compromise';
import type { PiiSpan } from '../safety.schema';
import { findStreetAddresses } from './addresses';
import { matchAll } from './context';
import { gazetteer, MAX_GAZETTEER_WORDS } from './gazetteer';

// Loaded on first use (its CommonJS build, so detection stays synchronous): the lexicon costs ~1.5 s at start-up,
// and only tenants that redact names or places ever need it.
const requireLazily = createRequire(import.meta.url);
let compromiseNlp: typeof compromise | undefined;
const nlp = (text: string) => (compromiseNlp ??= requireLazily('compromise') as typeof compromise)(text);

interface Token {
  text: string;
  start: number;
  end: number;
  tags: Set<string>;
  sentenceStart: boolean;
}

const PROPER_TAGS = ['ProperNoun', 'Person', 'FirstName', 'LastName', 'Place', 'City', 'Country', 'Region', 'Organization'];
const PLACE_TAGS = ['Place', 'City', 'Country', 'Region'];
const PERSON_TAGS = ['Person', 'FirstName', 'LastName', 'MaleName', 'FemaleName'];
const ORG_SUFFIX =
  /^(?:Inc|LLC|Ltd|Limited|GmbH|AG|SA|SAS|BV|NV|Corp|Corporation|Co|Company|Group|Partners|Associates|Capital|Analytics|Software|Systems|Solutions|Technologies|Labs|Consulting|Investments|Lines|Bank|Holdings|Foundation|University|Institute|Media|Networks|Industries|Services)\.?$/;
const LOCATION_CUE = /\b(?:in|at|from|to|near|into|visit(?:ing)?|based in|live[sd]? in|Where:|nach|aus|bei|en|à|de)\s*$/i;
const NAME_CUE = /(?:my name is|name(?: is)?:|i am called|called|named|this is|dear|hi|hello|mein name ist|ich heiße|je m'appelle|me llamo)\s*$/i;
const FUNCTION_WORDS = new Set(['Of', 'The', 'To', 'And', 'For', 'In', 'On', 'At', 'By', 'With', 'A', 'An', 'You', 'Your', 'Are', 'Is', 'But']);
const NOT_NAME_TAGS = ['Verb', 'Adverb', 'Determiner', 'Pronoun', 'Preposition', 'Conjunction', 'QuestionWord', 'Adjective', 'Acronym', 'Value'];
const STOP_CAPS = new Set([
  'What',
  'Where',
  'When',
  'Who',
  'Why',
  'How',
  'Which',
  'Info',
  'North',
  'South',
  'East',
  'West',
  'Northern',
  'Southern',
  'Eastern',
  'Western',
  'Central',
  'I',
  'The',
  'A',
  'An',
  'My',
  'Our',
  'Your',
  'We',
  'You',
  'He',
  'She',
  'It',
  'They',
  'This',
  'That',
  'Hi',
  'Hello',
  'Dear',
  'Thanks',
  'Please',
  'Yes',
  'No',
  'OK',
  'Ok',
]);

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const sentence of nlp(text).json({ offset: true, terms: { offset: true } }) as Array<{
    terms: Array<{ text: string; tags: string[]; offset: { start: number; length: number } }>;
  }>) {
    sentence.terms.forEach((t, i) => {
      if (!t.text) return;
      // Possessives and quotes are not part of the name ("Meza's song" → "Meza").
      const text = t.text.replace(/['’]s$/, '');
      tokens.push({ text, start: t.offset.start, end: t.offset.start + text.length, tags: new Set(t.tags), sentenceStart: i === 0 });
    });
  }
  return tokens;
}

const hasAny = (tok: Token, tags: string[]): boolean => tags.some((t) => tok.tags.has(t));
const isCapitalised = (tok: Token): boolean => /^\p{Lu}/u.test(tok.text);
const joinedOnOneLine = (text: string, a: Token, b: Token): boolean => {
  const gap = text.slice(a.end, b.start);
  return /^\s+$/.test(gap) && !gap.includes('\n') ? true : /^\.\s+$/.test(gap) && a.text.length === 1;
};

function gazetteerSpans(text: string, tokens: Token[], covered: Uint8Array): PiiSpan[] {
  const out: PiiSpan[] = [];
  const names = gazetteer();
  for (let i = 0; i < tokens.length; i++) {
    for (let n = Math.min(MAX_GAZETTEER_WORDS, tokens.length - i); n >= 1; n--) {
      const first = tokens[i]!;
      const last = tokens[i + n - 1]!;
      const phrase = text.slice(first.start, last.end);
      if (phrase.includes('\n')) continue;
      const type = names.get(phrase.replace(/\s+/g, ' ').toLowerCase());
      if (!type || (type === 'LOCATION' && !isCapitalised(first))) continue;
      out.push({ type, start: first.start, end: last.end, score: type === 'LOCATION' ? 0.8 : 0.75 });
      covered.fill(1, first.start, last.end);
      i += n - 1;
      break;
    }
  }
  return out;
}

function classifyChunk(text: string, chunk: Token[]): PiiSpan[] {
  const out: PiiSpan[] = [];
  let parts = chunk;
  const head = parts[0]!;
  if (head.tags.has('Honorific')) {
    const end = text[head.end] === '.' ? head.end + 1 : head.end;
    out.push({ type: 'TITLE', start: head.start, end, score: 0.75 });
    parts = parts.slice(1);
    if (parts.length === 0) return out;
  }
  const start = parts[0]!.start;
  const end = parts[parts.length - 1]!.end;
  const before = text.slice(Math.max(0, start - 24), start);
  let type: PiiSpan['type'] = 'PERSON';
  let score = 0.6;
  if (ORG_SUFFIX.test(parts[parts.length - 1]!.text) || parts.some((p) => p.tags.has('Organization'))) [type, score] = ['ORGANIZATION', 0.65];
  else if (parts.some((p) => hasAny(p, PLACE_TAGS))) [type, score] = ['LOCATION', 0.7];
  else if (head.tags.has('Honorific') || parts.some((p) => hasAny(p, PERSON_TAGS)) || NAME_CUE.test(before)) score = 0.85;
  else if (LOCATION_CUE.test(before)) [type, score] = ['LOCATION', 0.55];
  else if (parts.length === 1) score = 0.5;
  out.push({ type, start, end, score });
  return out;
}

function properNounChunks(text: string, tokens: Token[], covered: Uint8Array): Token[][] {
  const chunks: Token[][] = [];
  let current: Token[] = [];
  const flush = (): void => {
    if (current.length > 0) chunks.push(current);
    current = [];
  };
  tokens.forEach((tok, i) => {
    const next = tokens[i + 1];
    const proper =
      isCapitalised(tok) &&
      /^[\p{L}\p{M}.'’-]+$/u.test(tok.text) &&
      !covered[tok.start] &&
      !STOP_CAPS.has(tok.text) &&
      (tok.tags.has('Honorific') ||
        (!hasAny(tok, NOT_NAME_TAGS) &&
          (hasAny(tok, PROPER_TAGS) || (tok.sentenceStart && tok.tags.has('Noun') && !!next && isCapitalised(next) && hasAny(next, PROPER_TAGS)))) ||
        // Place names in capitals ("flew to TRONDHEIM") only after a location cue; acronyms otherwise.
        (/^\p{Lu}{4,}$/u.test(tok.text) && LOCATION_CUE.test(text.slice(Math.max(0, tok.start - 16), tok.start))));
    if (!proper) return flush();
    if (current.length > 0 && !joinedOnOneLine(text, current[current.length - 1]!, tok)) flush();
    current.push(tok);
    if (current.length > 4) flush();
  });
  flush();
  // Title-cased headlines ("Musicians Of The 70s") are not names.
  return chunks.filter((c) => !c.some((t) => FUNCTION_WORDS.has(t.text)));
}

/** "my name is lena andersson": lower-case names only count after an explicit self-introduction. */
function introducedNames(text: string): PiiSpan[] {
  const out: PiiSpan[] = [];
  for (const m of matchAll(text, /(?<=\b(?:my name is|mein name ist|ich heiße|je m'appelle|me llamo|name:)\s+)\p{L}[\p{L}'-]+(?:[ ]\p{L}[\p{L}'-]+)?/giu)) {
    const value = m[0].replace(/\s+(?:and|und|et|y|from|aus|de)$/i, '');
    out.push({ type: 'PERSON', start: m.index, end: m.index + value.length, score: 0.8 });
  }
  return out;
}

/** "Davis, Reynolds and Williamson" is a firm unless it lists founders or authors. */
function firmNames(text: string): PiiSpan[] {
  const out: PiiSpan[] = [];
  for (const m of matchAll(text, /\b\p{Lu}\p{Ll}+, \p{Lu}\p{Ll}+ (?:and|&) \p{Lu}\p{Ll}+\b/gu)) {
    if (/(?:founders?|by|with|authors?):?\s*$/i.test(text.slice(Math.max(0, m.index - 16), m.index))) continue;
    out.push({ type: 'ORGANIZATION', start: m.index, end: m.index + m[0].length, score: 0.7 });
  }
  return out;
}

export function findNamedEntities(text: string): PiiSpan[] {
  const tokens = tokenize(text);
  const covered = new Uint8Array(text.length);
  const out: PiiSpan[] = [...findStreetAddresses(text), ...introducedNames(text), ...firmNames(text)];
  out.push(...gazetteerSpans(text, tokens, covered));
  for (const chunk of properNounChunks(text, tokens, covered)) out.push(...classifyChunk(text, chunk));
  return out;
}
