/**
 * Quasi-identifiers that only make sense with their context: dates, ages, postal codes and driver's
 * licences. Each pattern carries its own context so a bare "42" or "1977" is not reported.
 */
import type { PiiSpan } from '../safety.schema';
import { matchAll } from './context';

const MONTHS =
  'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|januar|februar|märz|mai|juni|juli|oktober|dezember';
const WEEKDAYS = 'monday|tuesday|wednesday|thursday|friday|saturday|sunday|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag';

const DATE_PATTERNS: Array<[RegExp, number]> = [
  [/\b\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?\b/g, 0.9],
  [/\b\d{1,2}[/.]\d{1,2}[/.](?:\d{4}|\d{2})\b/g, 0.8],
  [
    new RegExp(
      `\\b(?:\\d{1,2}(?:st|nd|rd|th)?\\.? (?:${MONTHS})\\.?,? \\d{4}|(?:${MONTHS})\\.? \\d{1,2}(?:st|nd|rd|th)?,? \\d{4}|(?:${MONTHS}) \\d{4})\\b`,
      'gi',
    ),
    0.85,
  ],
  [new RegExp(`\\b(?:${WEEKDAYS})\\b`, 'gi'), 0.6],
  // A bare year only after words that introduce a time ("in 1977", "since 2001", "during 1971").
  [/(?<=\b(?:in|since|during|of|until|till|from|by|seit|im|bis)\s)(?:1[89]|20)\d{2}\b(?!\s*(?:€|\$|euro|dollars?|people|items?))/gi, 0.6],
  [/(?<=^|\n)(?:1[89]|20)\d{2}(?=,)/g, 0.55],
];

export function findDates(text: string): PiiSpan[] {
  const out: PiiSpan[] = [];
  for (const [re, score] of DATE_PATTERNS) {
    for (const m of matchAll(text, re)) out.push({ type: 'DATE_TIME', start: m.index, end: m.index + m[0].length, score });
  }
  return out;
}

const AGE_PATTERNS: RegExp[] = [
  /(?<=\b(?:turned|turn|turning|age of|aged|ages|i'?m|i am|is|was|he's|she's|alter von|bin|ist)\s)\d{1,3}(?=\s*(?:years?[ -]old|yo\b|y\/o|jahre alt|-year-old))/gi,
  /(?<=\b(?:just turned|turn|turned|turning|age of|aged|im alter von)\s)\d{1,3}\b/gi,
  /(?<=\b(?:is|was) an? )\d{1,3}(?=[ -]year)/gi,
  /\b\d{1,3}(?=[ -](?:years? old|year-old|jahre alt))/gi,
];

export function findAges(text: string): PiiSpan[] {
  const out: PiiSpan[] = [];
  for (const re of AGE_PATTERNS) {
    for (const m of matchAll(text, re)) {
      if (Number(m[0]) <= 125) out.push({ type: 'AGE', start: m.index, end: m.index + m[0].length, score: 0.7 });
    }
  }
  return out;
}

export function findZipCodes(text: string): PiiSpan[] {
  const out: PiiSpan[] = [];
  const re = /(?<=\b(?:zip|zip code|postal code|postcode|post code|plz|postleitzahl)(?: is)?:?\s*)(?=[A-Z]{0,3}\d)[A-Z0-9]{2,5}(?:[ -][A-Z0-9]{2,4})?\b/gi;
  for (const m of matchAll(text, re)) out.push({ type: 'ZIP_CODE', start: m.index, end: m.index + m[0].length, score: 0.8 });
  return out;
}

export function findDriverLicenses(text: string): PiiSpan[] {
  const out: PiiSpan[] = [];
  const re = /(?<=\b(?:driver'?s?|driving) licen[cs]e(?: (?:number|no\.?|#))?(?: is)?:?\s*)[A-Z0-9][A-Z0-9-]{4,19}\b/gi;
  for (const m of matchAll(text, re)) {
    if (/\d/.test(m[0])) out.push({ type: 'US_DRIVER_LICENSE', start: m.index, end: m.index + m[0].length, score: 0.85 });
  }
  return out;
}
