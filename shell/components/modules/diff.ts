import { diffLines as jsdiffLines } from 'diff';

export interface DiffLine {
  kind: 'add' | 'remove' | 'same';
  text: string;
}

/** Line diff of two texts (jsdiff, the well-kept Myers implementation), flattened to one entry per line. */
export function diffLines(before: string, after: string): DiffLine[] {
  return jsdiffLines(before, after).flatMap((part) => {
    const kind = part.added ? 'add' : part.removed ? 'remove' : 'same';
    return part.value
      .replace(/\n$/, '')
      .split('\n')
      .map((text) => ({ kind, text }) as DiffLine);
  });
}
