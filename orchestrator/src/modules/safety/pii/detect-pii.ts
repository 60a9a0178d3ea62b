/**
 * PII detection: runs the recognizers for the requested entity types, drops low scores, and resolves
 * overlaps (higher score wins, then the longer span) so every character belongs to at most one entity.
 */
import type { PiiEntityType, PiiSpan } from '../safety.schema';
import { PII_ENTITY_TYPES } from '../safety.schema';
import { findAges, findDates, findDriverLicenses, findZipCodes } from './misc';
import { findNamedEntities } from './named-entities';
import { findPhoneNumbers } from './phone';
import { findCreditCards, findEmails, findGermanTaxIds, findIbans, findIpAddresses, findUkNinos, findUrls, findUsSsns } from './structured';

interface Recognizer {
  types: readonly PiiEntityType[];
  find: (text: string) => PiiSpan[];
  /** Costly recognizers run only when one of their types is wanted; cheap ones always run (see below). */
  costly?: boolean;
}

const RECOGNIZERS: Recognizer[] = [
  { types: ['EMAIL_ADDRESS'], find: findEmails },
  { types: ['IP_ADDRESS'], find: findIpAddresses },
  { types: ['CREDIT_CARD'], find: findCreditCards },
  { types: ['IBAN_CODE'], find: findIbans },
  { types: ['US_SSN'], find: findUsSsns },
  { types: ['UK_NINO'], find: findUkNinos },
  { types: ['DE_TAX_ID'], find: findGermanTaxIds },
  { types: ['URL'], find: findUrls },
  { types: ['PHONE_NUMBER'], find: findPhoneNumbers },
  { types: ['DATE_TIME'], find: findDates },
  { types: ['AGE'], find: findAges },
  { types: ['ZIP_CODE'], find: findZipCodes },
  { types: ['US_DRIVER_LICENSE'], find: findDriverLicenses },
  { types: ['PERSON', 'LOCATION', 'ORGANIZATION', 'TITLE', 'NRP'], find: findNamedEntities, costly: true },
];

export interface DetectPiiOptions {
  types?: readonly PiiEntityType[];
  minScore?: number;
}

export function detectPii(text: string, options: DetectPiiOptions = {}): PiiSpan[] {
  const wanted = new Set(options.types ?? PII_ENTITY_TYPES);
  const minScore = options.minScore ?? 0.5;
  if (wanted.size === 0 || text.length === 0) return [];
  const candidates: PiiSpan[] = [];
  for (const recognizer of RECOGNIZERS) {
    if (recognizer.costly && !recognizer.types.some((t) => wanted.has(t))) continue;
    // Structured recognizers compete for the same digits (an SSN is not also a phone number), so all of
    // them run and only the winners of the overlap resolution are filtered by the wanted types.
    for (const found of recognizer.find(text)) if (found.score >= minScore) candidates.push(found);
  }
  return resolveOverlaps(candidates).filter((s) => wanted.has(s.type));
}

export function resolveOverlaps(spans: PiiSpan[]): PiiSpan[] {
  const ordered = [...spans].sort((a, b) => b.score - a.score || b.end - b.start - (a.end - a.start) || a.start - b.start);
  const kept: PiiSpan[] = [];
  for (const s of ordered) {
    if (kept.every((k) => s.end <= k.start || s.start >= k.end)) kept.push(s);
  }
  return kept.sort((a, b) => a.start - b.start);
}
