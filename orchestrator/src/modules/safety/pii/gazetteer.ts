/**
 * Place and nationality names from `world-countries` (maintained ISO data with translations, demonyms and
 * capitals), so LOCATION/NRP do not depend on a hand-kept list. Built once, lower-cased, looked up by n-gram.
 */
import countries from 'world-countries';

export type GazetteerType = 'LOCATION' | 'NRP';

const LANGS = ['deu', 'fra', 'spa', 'ita', 'nld', 'por', 'pol', 'swe', 'fin', 'hun', 'ces'];

// Religions and political groups Presidio files under NRP alongside nationalities.
const NRP_EXTRA = [
  'christian',
  'christians',
  'catholic',
  'catholics',
  'protestant',
  'protestants',
  'muslim',
  'muslims',
  'islamic',
  'jewish',
  'jew',
  'jews',
  'hindu',
  'hindus',
  'buddhist',
  'buddhists',
  'sikh',
  'sikhs',
  'sunni',
  'sunnis',
  'shia',
  'shiite',
  'shiites',
  'shiis',
  'atheist',
  'atheists',
  'democrat',
  'democrats',
  'republican',
  'republicans',
  'socialist',
  'socialists',
  'communist',
  'communists',
  'conservative',
  'conservatives',
  'liberal',
  'liberals',
  'african american',
  'latino',
  'latina',
  'hispanic',
  'asian',
  'european',
  'arab',
  'arabs',
];

function build(): Map<string, GazetteerType> {
  const map = new Map<string, GazetteerType>();
  const add = (name: string | undefined, type: GazetteerType): void => {
    if (!name || name.length < 3) return;
    const key = name.toLowerCase();
    if (!map.has(key)) map.set(key, type);
  };
  for (const c of countries) {
    add(c.name.common, 'LOCATION');
    add(c.name.official, 'LOCATION');
    for (const lang of LANGS) add(c.translations[lang]?.common, 'LOCATION');
    for (const alt of c.altSpellings) if (alt.length > 3) add(alt, 'LOCATION');
    for (const capital of c.capital ?? []) add(capital, 'LOCATION');
    const eng = c.demonyms?.eng;
    if (eng) {
      for (const d of new Set([eng.m, eng.f])) {
        add(d, 'NRP');
        add(`${d}s`, 'NRP');
      }
    }
  }
  // Regions people name as places even though they are not countries.
  for (const region of ['Europe', 'Asia', 'Africa', 'North America', 'South America', 'Scandinavia', 'Middle East', 'United States', 'UK', 'USA', 'EU'])
    add(region, 'LOCATION');
  for (const n of NRP_EXTRA) add(n, 'NRP');
  return map;
}

let cached: Map<string, GazetteerType> | undefined;
export function gazetteer(): Map<string, GazetteerType> {
  cached ??= build();
  return cached;
}

export const MAX_GAZETTEER_WORDS = 4;
