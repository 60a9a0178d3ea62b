/**
 * Context words lift weak pattern matches (a bare 9-digit number is an SSN only when someone says so),
 * the same idea as Presidio's context enhancer. Matching is on the text just before the span.
 */
export function hasContextBefore(text: string, start: number, words: RegExp, window = 48): boolean {
  return words.test(text.slice(Math.max(0, start - window), start));
}

export function hasContextAround(text: string, start: number, end: number, words: RegExp, window = 48): boolean {
  return words.test(text.slice(Math.max(0, start - window), Math.min(text.length, end + window)));
}

/** Iterate all matches of a global regex without the lastIndex footguns. */
export function* matchAll(text: string, pattern: RegExp): Generator<RegExpExecArray> {
  const re = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0].length === 0) re.lastIndex++;
    yield m;
  }
}

export function digitsOf(value: string): string {
  return value.replace(/\D/g, '');
}
