import { describe, expect, it } from 'vitest';
import { detectPii, type DetectPiiOptions } from './detect-pii';

const found = (text: string, types?: DetectPiiOptions['types']) => detectPii(text, { types }).map((s) => [s.type, text.slice(s.start, s.end)]);

describe('detectPii — structured identifiers', () => {
  it('finds e-mail addresses with exact offsets', () => {
    expect(found('Write to jane.doe+support@example.co.uk today')).toEqual([['EMAIL_ADDRESS', 'jane.doe+support@example.co.uk']]);
  });

  it('finds international and national phone numbers, national ones only with context', () => {
    expect(found('Call +49 30 901820 or +1-984-182-0190', ['PHONE_NUMBER'])).toEqual([
      ['PHONE_NUMBER', '+49 30 901820'],
      ['PHONE_NUMBER', '+1-984-182-0190'],
    ]);
    expect(found('Phone: 0378 3549890', ['PHONE_NUMBER'])).toEqual([['PHONE_NUMBER', '0378 3549890']]);
    expect(found('Order 4711 shipped in box 12 3456', ['PHONE_NUMBER'])).toEqual([]);
  });

  it('accepts Luhn-valid card numbers and rejects a one-digit typo', () => {
    expect(found('card 4111 1111 1111 1111 please', ['CREDIT_CARD'])).toEqual([['CREDIT_CARD', '4111 1111 1111 1111']]);
    expect(found('card 4111 1111 1111 1112 please', ['CREDIT_CARD'])).toEqual([]);
  });

  it('accepts IBANs whose mod-97 checksum holds, grouped or not, and rejects a wrong check digit', () => {
    expect(found('IBAN DE89 3704 0044 0532 0130 00 bitte', ['IBAN_CODE'])).toEqual([['IBAN_CODE', 'DE89 3704 0044 0532 0130 00']]);
    expect(found('my iban is gb82west12345698765432', ['IBAN_CODE'])).toEqual([['IBAN_CODE', 'gb82west12345698765432']]);
    expect(found('IBAN DE88 3704 0044 0532 0130 00', ['IBAN_CODE'])).toEqual([]);
  });

  it('finds US SSNs in issued ranges only', () => {
    expect(found("Here's my SSN: 460-89-9847", ['US_SSN'])).toEqual([['US_SSN', '460-89-9847']]);
    expect(found('SSN 666-12-3456 and 000-12-3456 and 912-12-3456', ['US_SSN'])).toEqual([]);
    expect(found('ssn 460899847', ['US_SSN'])).toEqual([['US_SSN', '460899847']]);
  });

  it('finds IPv4 and IPv6 addresses but not version numbers or times', () => {
    expect(found('from 192.168.10.4 and 2001:db8::8a2e:370:7334', ['IP_ADDRESS'])).toEqual([
      ['IP_ADDRESS', '192.168.10.4'],
      ['IP_ADDRESS', '2001:db8::8a2e:370:7334'],
    ]);
    expect(found('version 1.2.3.400 at 12:30:45', ['IP_ADDRESS'])).toEqual([]);
  });

  it('finds a UK NINO and a German tax id (checksum plus context)', () => {
    expect(found('NI number AB 12 34 56 C', ['UK_NINO'])).toEqual([['UK_NINO', 'AB 12 34 56 C']]);
    expect(found('Steuer-ID: 86095742719', ['DE_TAX_ID'])).toEqual([['DE_TAX_ID', '86095742719']]);
    expect(found('Steuer-ID: 86095742718', ['DE_TAX_ID'])).toEqual([]);
  });
});

describe('detectPii — names, places and quasi-identifiers', () => {
  it('splits an honorific (TITLE) from the name (PERSON)', () => {
    expect(found('Please ask Mr. Leiva about it', ['TITLE', 'PERSON'])).toEqual([
      ['TITLE', 'Mr.'],
      ['PERSON', 'Leiva'],
    ]);
  });

  it('finds a lower-case name after a self-introduction and a capitalised full name', () => {
    expect(found('hi, my name is lena andersson', ['PERSON'])).toEqual([['PERSON', 'lena andersson']]);
    expect(found('I spoke with Laura Carvalho yesterday.', ['PERSON'])).toEqual([['PERSON', 'Laura Carvalho']]);
  });

  it('finds countries, nationalities and a street address block', () => {
    expect(found('I will be travelling to Estonia with two Germans', ['LOCATION', 'NRP'])).toEqual([
      ['LOCATION', 'Estonia'],
      ['NRP', 'Germans'],
    ]);
    expect(found('Send it to 1317 Kimberly Way Apt. 962, Grand Rapids', ['LOCATION'])).toEqual([['LOCATION', '1317 Kimberly Way Apt. 962, Grand Rapids']]);
  });

  it('finds dates, ages and zip codes only in their context', () => {
    expect(found('She was born on 2/8/1935 and just turned 89; my zip code is 35350', ['DATE_TIME', 'AGE', 'ZIP_CODE'])).toEqual([
      ['DATE_TIME', '2/8/1935'],
      ['AGE', '89'],
      ['ZIP_CODE', '35350'],
    ]);
    expect(found('We sold 89 units of model 35350', ['DATE_TIME', 'AGE', 'ZIP_CODE'])).toEqual([]);
  });

  it('reports nothing in an ordinary support question', () => {
    expect(detectPii('How do I reset my password? The app keeps asking for the old one.')).toEqual([]);
  });

  it('never returns overlapping spans', () => {
    const spans = detectPii('Mr. John Smith, 4844 Søndergade 52, Apt. 656, phone +45 32 12 34 56, john@smith.dk');
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.start).toBeGreaterThanOrEqual(spans[i - 1]!.end);
  });
});
