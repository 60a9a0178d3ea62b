/**
 * Phone numbers in international (+CC …) and national formats. Shape alone is weak evidence for short
 * numbers ("467 3395" could be anything), so those need a context word such as "call me at" or "Tel:".
 */
import type { PiiSpan } from '../safety.schema';
import { digitsOf, hasContextBefore, matchAll } from './context';

// Labels written after the number, as in signatures: "416 60 039 office", "082 490 1693-Office".
const TRAILING_LABEL = /^[\s-]{0,2}(?:office|fax|mobile|cell|home|work|desk|tel|phone|handy|mobil|büro)\b/i;

const PHONE_CONTEXT =
  /\b(phone|tel|telephone|mobile|cell|call|fax|desk|office|reach|text|sms|whats ?app|number|answering|registered|messages? to|contact|telefon|handy|rufnummer|anrufen|ruf|nummer|téléphone|portable|teléfono|móvil|llama)\b/i;

// Optional +CC, optional "(0)" trunk, optional (area), then 2–6 groups separated by space, dot or dash.
const CANDIDATE =
  /(?<![\w+/.-])(?:\+\d{1,3}[ .-]?)?(?:\(0\) ?)?(?:\(\d{1,5}\)[ .-]?)?\d{1,10}(?:[ .-]\d{1,8}){0,5}(?: ?(?:x|ext\.?) ?\d{1,5})?(?![\w/]|[.-]\d)/gi;

const NANP = /^(?:\+?1[ .-]?)?(?:\(\d{3}\) ?|\d{3}[.-])\d{3}[.-]\d{4}(?: ?(?:x|ext\.?) ?\d{1,5})?$/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$|^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$/;

export function findPhoneNumbers(text: string): PiiSpan[] {
  const out: PiiSpan[] = [];
  for (const m of matchAll(text, CANDIDATE)) {
    const value = m[0].trim();
    const digits = digitsOf(value.replace(/(?:x|ext\.?) ?\d+$/i, ''));
    if (digits.length < 7 || digits.length > 15) continue;
    if (ISO_DATE.test(value)) continue;
    const grouped = /[ .()-]/.test(value);
    const end = m.index + value.length;
    const context = hasContextBefore(text, m.index, PHONE_CONTEXT, 40) || TRAILING_LABEL.test(text.slice(end, end + 12));
    let score: number;
    if (value.startsWith('+')) score = 0.8;
    else if (NANP.test(value)) score = 0.75;
    else if (grouped || digits.length === 10) score = 0.4;
    else score = 0.2;
    if (context) score = Math.min(1, score + 0.5);
    out.push({ type: 'PHONE_NUMBER', start: m.index, end, score });
  }
  return out;
}
