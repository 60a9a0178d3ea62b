/**
 * Street addresses in the common Western layouts: "<no> <name> Street", "<name>straße <no>",
 * "Rue/Via/Calle/ul. <name> <no>", military "PSC …, Box … APO AA 12345", extended over the
 * apartment, city, region, country and postcode parts that follow on the same or the next lines.
 */
import type { PiiSpan } from '../safety.schema';
import { matchAll } from './context';

const NAME = String.raw`[\p{L}][\p{L}\p{M}.'’-]*`;
const EN_SUFFIX = String.raw`(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Way|Court|Ct|Place|Pl|Square|Sq|Terrace|Crescent|Close|Highway|Hwy|Parkway|Pkwy|Row|Walk|Hill|Park|Green|Gardens|Mews|Trail|Circle|Loop|Alley|Creek|Ridge|View)`;
const STREET_WORD = String.raw`\p{Lu}[\p{L}-]*(?:straße|strasse|str\.|gasse|weg|allee|platz|ring|damm|ufer|vej|veien|vegen|vei|gate|gata|gatan|vägen|väg|laan|straat|plein|kuja|katu|tie|tér|utca|út|ulica|cesta|ná[mb]ěstí|trg)`;
const ROMANCE_PREFIX = String.raw`(?:Rue|Avenue|Av\.|Bd|Boulevard|Chemin|Place|Via|Viale|Vicolo|Piazza|Corso|Calle|Avda\.|Avenida|Rua|Praça|Travessa|Plaza|Paseo|Camino|Carrer|C\/|ul\.|ulica|al\.|Aleja|Plac|Odos|Leoforos|Platz)`;

const STREET_PATTERNS: RegExp[] = [
  new RegExp(String.raw`\b\d{1,6}[a-z]?(?: \d{1,6})? (?:${NAME} ){0,3}${EN_SUFFIX}\.?(?![\p{L}])(?: \d{1,5}\b)?`, 'gu'),
  new RegExp(String.raw`(?:\b\d{1,6} )?(?<![\p{L}])${STREET_WORD}(?: \p{Lu}${NAME}){0,2} \d{1,5}[a-z]?\b\.?`, 'gu'),
  new RegExp(String.raw`(?:\b\d{1,6} )?(?<![\p{L}])${ROMANCE_PREFIX} (?:${NAME} ){0,4}\d{1,5}[a-z]?\b\.?`, 'giu'),
  // Eastern/Nordic "<no> <Name> <no>" layouts, e.g. "50668 Kiannonkatu 98".
  new RegExp(String.raw`\b\d{3,6} \p{Lu}${NAME}(?: \p{Lu}${NAME}){0,2} \d{1,4}[a-z]?\b\.?`, 'gu'),
  new RegExp(String.raw`(?:\b\d{1,6} )?\b\p{Lu}${NAME}(?: \p{Lu}${NAME}){0,2} u\. \d{1,4}\b\.?`, 'gu'),
  /(?:\b\d{1,6} )?\bP\.? ?O\.? Box \d{1,6}\b/gi,
  /\b(?:PSC|Unit|USNS|USNV|USS|USCGC) [\w ]{1,30}?(?:, Box \d{1,5})?\s*\n?\s*(?:APO|FPO|DPO) (?:AA|AE|AP) \d{5}\b/g,
];

const UNIT = /^(?:,|\s)\s*(?:Apt\.?|Apartment|Suite|Ste\.?|Unit|Flat|Floor|Wohnung|Box)\s*#?\d+[a-z]?/i;
// A following "line" that reads like a city / region / country / postcode, not a new labelled field.
const TAIL =
  /^(?:,[ \t]*|\n[ \t>]*|[ \t]+)((?:\p{Lu}[\p{L}\p{M}.'’()-]*|\d{3,6}|[A-Z]{2}\b|nan)(?:[ \t]+(?:\p{Lu}[\p{L}\p{M}.'’()-]*|\d{3,6}|de|du|del|la|le|am|an|nan)){0,4})(?=$|[\n,.?!;:)]|\s+[\p{Ll}])/u;
const LABEL = /^\s*[\p{L} ]{2,20}:/u;

function extend(text: string, end: number): number {
  for (let steps = 0; steps < 6; steps++) {
    const rest = text.slice(end, end + 80);
    const unit = UNIT.exec(rest);
    if (unit) {
      end += unit[0].length;
      continue;
    }
    const tail = TAIL.exec(rest);
    if (!tail || LABEL.test(rest.replace(/^[,\n]/, '')) || /^(?:Mobile|Desk|Fax|Phone|Tel)\b/i.test(tail[1]!)) break;
    end += tail[0].length;
  }
  return end;
}

export function findStreetAddresses(text: string): PiiSpan[] {
  const out: PiiSpan[] = [];
  for (const re of STREET_PATTERNS) {
    for (const m of matchAll(text, re)) {
      const end = extend(text, m.index + m[0].replace(/\s+$/, '').length);
      out.push({ type: 'LOCATION', start: m.index, end, score: 0.85 });
    }
  }
  return out;
}
