/**
 * Pattern recognizers for identifiers with a fixed shape. Each candidate is validated (checksum, issuing
 * rules) and scored; context words raise weak shapes over the policy's threshold, as in Presidio.
 */
import type { PiiSpan } from '../safety.schema';
import { isLuhnValid, isPlausibleSsn, isValidEmail, isValidGermanTaxId, isValidIban, isValidIp } from './checksums';
import { digitsOf, hasContextBefore, matchAll } from './context';

const span = (type: PiiSpan['type'], start: number, end: number, score: number): PiiSpan => ({ type, start, end, score });

export function findEmails(text: string): PiiSpan[] {
  const out: PiiSpan[] = [];
  for (const m of matchAll(text, /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu)) {
    if (isValidEmail(m[0])) out.push(span('EMAIL_ADDRESS', m.index, m.index + m[0].length, 1));
  }
  return out;
}

export function findIpAddresses(text: string): PiiSpan[] {
  const out: PiiSpan[] = [];
  for (const m of matchAll(text, /(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.]*\d)/g)) {
    if (isValidIp(m[0])) out.push(span('IP_ADDRESS', m.index, m.index + m[0].length, 0.95));
  }
  for (const m of matchAll(text, /(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![\w:])/gi)) {
    if (m[0].length >= 6 && isValidIp(m[0])) out.push(span('IP_ADDRESS', m.index, m.index + m[0].length, 0.95));
  }
  return out;
}

const CARD_CONTEXT = /\b(card|cc|credit|debit|visa|master ?card|amex|american express|discover|jcb|maestro|kredit ?karte|karte|carte|tarjeta)\b/i;

export function findCreditCards(text: string): PiiSpan[] {
  const out: PiiSpan[] = [];
  for (const m of matchAll(text, /(?<![\w-])\d(?:[ -]?\d){11,18}(?![\w-])/g)) {
    const digits = digitsOf(m[0]);
    if (!isLuhnValid(digits)) continue;
    const context = hasContextBefore(text, m.index, CARD_CONTEXT, 60);
    // 12-digit Maestro numbers collide with too many other ids to report without a word like "card".
    if (digits.length < 13 && !context) continue;
    out.push(span('CREDIT_CARD', m.index, m.index + m[0].length, context ? 1 : 0.85));
  }
  return out;
}

export function findIbans(text: string): PiiSpan[] {
  const out: PiiSpan[] = [];
  for (const m of matchAll(text, /(?<![\w])[a-z]{2}\d{2}(?: ?[a-z0-9]{4}){2,7}(?: ?[a-z0-9]{1,3})?(?![\w])/gi)) {
    // Grouped IBANs may run into the next word; drop trailing groups until the mod-97 check passes.
    let candidate = m[0];
    while (candidate.length >= 15) {
      if (isValidIban(candidate.replace(/ /g, ''))) {
        out.push(span('IBAN_CODE', m.index, m.index + candidate.length, 1));
        break;
      }
      candidate = candidate.replace(/ ?[a-z0-9]{1,4}$/i, '');
    }
  }
  return out;
}

const SSN_CONTEXT = /\b(ssn|social security|social sec|ss#|ss no|sozialversicherung)/i;

export function findUsSsns(text: string): PiiSpan[] {
  const out: PiiSpan[] = [];
  for (const m of matchAll(text, /(?<![\w-])(\d{3})([- .]?)(\d{2})\2(\d{4})(?![\w-])/g)) {
    if (!isPlausibleSsn(m[1]!, m[3]!, m[4]!)) continue;
    const context = hasContextBefore(text, m.index, SSN_CONTEXT, 60);
    const separated = m[2] === '-';
    if (!separated && !context) continue;
    out.push(span('US_SSN', m.index, m.index + m[0].length, context ? 1 : 0.6));
  }
  return out;
}

/** UK National Insurance number: prefix letters exclude D F I Q U V and the never-issued pairs. */
export function findUkNinos(text: string): PiiSpan[] {
  const out: PiiSpan[] = [];
  const re = /(?<![\w])(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![\w])/g;
  for (const m of matchAll(text, re)) out.push(span('UK_NINO', m.index, m.index + m[0].length, 0.85));
  return out;
}

const DE_TAX_CONTEXT = /(steuer|tax|idnr|identifikationsnummer|tin\b)/i;

export function findGermanTaxIds(text: string): PiiSpan[] {
  const out: PiiSpan[] = [];
  for (const m of matchAll(text, /(?<![\w])\d{2} ?\d{3} ?\d{3} ?\d{3}(?![\w])/g)) {
    if (!isValidGermanTaxId(digitsOf(m[0]))) continue;
    if (hasContextBefore(text, m.index, DE_TAX_CONTEXT, 60)) out.push(span('DE_TAX_ID', m.index, m.index + m[0].length, 0.9));
  }
  return out;
}

export function findUrls(text: string): PiiSpan[] {
  const out: PiiSpan[] = [];
  for (const m of matchAll(text, /\b(?:https?:\/\/|www\.)[^\s<>"'`]+/gi)) {
    const value = m[0].replace(/[.,;:!?)\]]+$/, '');
    out.push(span('URL', m.index, m.index + value.length, 0.6));
  }
  return out;
}
