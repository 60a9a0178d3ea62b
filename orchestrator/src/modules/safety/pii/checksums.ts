/**
 * Checksums that turn "looks like a number" into "is an identifier". IBAN, Luhn, IP and e-mail
 * validation come from `validator` (well kept, no deps); the German tax id check has no maintained package.
 */
import validator from 'validator';

export const isLuhnValid = (digits: string): boolean => validator.isLuhnNumber(digits);

export const isValidIban = (compact: string): boolean => validator.isIBAN(compact.toUpperCase());

export const isValidEmail = (value: string): boolean => validator.isEmail(value, { allow_utf8_local_part: true });

export const isValidIp = (value: string): boolean => validator.isIP(value);

/** US SSA rules: area 000, 666 and 900-999, group 00 and serial 0000 are never issued. */
export function isPlausibleSsn(area: string, group: string, serial: string): boolean {
  const a = Number(area);
  if (a === 0 || a === 666 || a >= 900) return false;
  if (group === '00' || serial === '0000') return false;
  // Advertising/test numbers the SSA reserved.
  return !`${area}${group}${serial}`.match(/^(078051120|219099999|123456789)$/);
}

/**
 * German Steuerliche Identifikationsnummer: 11 digits, no leading zero, within the first ten digits one
 * digit appears two or three times, check digit per ISO 7064 MOD 11,10.
 */
export function isValidGermanTaxId(digits: string): boolean {
  if (!/^[1-9]\d{10}$/.test(digits)) return false;
  const counts = new Map<string, number>();
  for (const d of digits.slice(0, 10)) counts.set(d, (counts.get(d) ?? 0) + 1);
  const repeated = [...counts.values()].filter((c) => c > 1);
  if (repeated.length !== 1 || repeated[0]! > 3) return false;
  let product = 10;
  for (const d of digits.slice(0, 10)) {
    let sum = (Number(d) + product) % 10;
    if (sum === 0) sum = 10;
    product = (sum * 2) % 11;
  }
  const check = (11 - product) % 10;
  return check === Number(digits[10]);
}
