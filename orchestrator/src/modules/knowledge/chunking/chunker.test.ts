import { describe, expect, it } from 'vitest';
import { chunkText, countTokens } from './chunker';

const guide = `# Guide

Intro paragraph. It explains what the guide is for.

## Install

- download the package
- run the installer
  with admin rights
- restart

## Pricing

| plan | price |
|------|-------|
| free | 0 |
| team | 10 |
`;

describe('chunkText', () => {
  it('keeps the heading path and exact character offsets of every chunk', () => {
    const chunks = chunkText(guide, { maxTokens: 200, overlapTokens: 20 });
    expect(chunks.map((c) => c.headingPath)).toEqual([['Guide'], ['Guide', 'Install'], ['Guide', 'Pricing']]);
    for (const chunk of chunks) expect(guide.slice(chunk.charStart, chunk.charEnd).trim()).toBe(chunk.content);
    expect(chunks[1]!.content).toContain('with admin rights');
  });

  it('never puts two sections in one chunk even when both would fit', () => {
    const chunks = chunkText(guide, { maxTokens: 2000, overlapTokens: 0 });
    expect(chunks).toHaveLength(3);
    expect(chunks[2]!.content.startsWith('## Pricing')).toBe(true);
  });

  it('splits a long paragraph at sentence ends within the token budget, overlapping consecutive chunks', () => {
    const text = Array.from({ length: 80 }, (_, i) => `Sentence number ${i} talks about retrieval.`).join(' ');
    const chunks = chunkText(text, { maxTokens: 60, overlapTokens: 15 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) expect(countTokens(chunk.content)).toBeLessThanOrEqual(62);
    for (let i = 1; i < chunks.length; i++) expect(chunks[i]!.charStart).toBeLessThan(chunks[i - 1]!.charEnd);
    expect(chunks.at(-1)!.content).toContain('Sentence number 79');
  });

  it('splits a big table by rows and repeats its header in every part', () => {
    const rows = Array.from({ length: 60 }, (_, i) => `| item ${i} | value ${i} |`).join('\n');
    const chunks = chunkText(`| name | value |\n|---|---|\n${rows}\n`, { maxTokens: 80, overlapTokens: 0 });
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) expect(chunk.content.startsWith('| name | value |\n|---|---|')).toBe(true);
    expect(chunks.map((c) => c.content).join('\n')).toContain('| item 59 | value 59 |');
  });

  it('cuts a single sentence longer than a chunk on token boundaries', () => {
    const text = 'word '.repeat(500);
    const chunks = chunkText(text, { maxTokens: 100, overlapTokens: 0 });
    expect(chunks.length).toBeGreaterThanOrEqual(5);
    for (const chunk of chunks) expect(chunk.tokenCount).toBeLessThanOrEqual(100);
  });

  it('returns no chunk for blank text', () => {
    expect(chunkText('  \n\n \n', { maxTokens: 100, overlapTokens: 10 })).toEqual([]);
  });
});
