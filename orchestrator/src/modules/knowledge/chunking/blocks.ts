/**
 * Splits extracted text (Markdown-flavoured: extractors turn HTML/DOCX headings into `#` lines) into
 * structural blocks with their character offsets and the heading path in force at that point.
 * Blocks never straddle a heading, a table or a list boundary, so the packer can keep them whole.
 */
export type BlockKind = 'heading' | 'paragraph' | 'list' | 'table' | 'code';

export interface Block {
  kind: BlockKind;
  start: number;
  end: number;
  headingPath: string[];
}

interface Line {
  text: string;
  start: number;
  end: number;
}

const HEADING = /^(#{1,6})\s+(.+?)\s*#*\s*$/;
const LIST_ITEM = /^\s*(?:[-*+•]|\d{1,3}[.)])\s+/;
const TABLE_ROW = /^\s*\|.*\|\s*$/;
const FENCE = /^\s*(```|~~~)/;

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (;;) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    lines.push({ text: text.slice(start, end).replace(/\r$/, ''), start, end });
    if (newline === -1) return lines;
    start = newline + 1;
  }
}

function lineKind(text: string): BlockKind | 'blank' {
  if (text.trim() === '') return 'blank';
  if (HEADING.test(text)) return 'heading';
  if (FENCE.test(text)) return 'code';
  if (TABLE_ROW.test(text)) return 'table';
  if (LIST_ITEM.test(text)) return 'list';
  return 'paragraph';
}

export function splitBlocks(text: string): Block[] {
  const lines = splitLines(text);
  const blocks: Block[] = [];
  const path: string[] = [];
  let open: Block | null = null;
  const close = () => {
    if (open) blocks.push(open);
    open = null;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const kind = lineKind(line.text);
    if (kind === 'blank') {
      // a blank line ends a paragraph or table; a list may continue after one blank line
      if (open?.kind !== 'list' || lineKind(lines[i + 1]?.text ?? '') !== 'list') close();
      continue;
    }
    if (kind === 'heading') {
      close();
      const match = HEADING.exec(line.text)!;
      const level = match[1]!.length;
      path.length = Math.min(path.length, level - 1);
      while (path.length < level - 1) path.push('');
      path.push(match[2]!.trim());
      blocks.push({ kind: 'heading', start: line.start, end: line.end, headingPath: path.filter(Boolean) });
      continue;
    }
    if (kind === 'code') {
      close();
      let j = i + 1;
      while (j < lines.length && !FENCE.test(lines[j]!.text)) j++;
      const last = lines[Math.min(j, lines.length - 1)]!;
      blocks.push({ kind: 'code', start: line.start, end: last.end, headingPath: path.filter(Boolean) });
      i = j;
      continue;
    }
    // an indented line continues the list item above it
    const continuesList = open?.kind === 'list' && kind === 'paragraph' && /^\s+/.test(line.text);
    const sameBlock = open && (open.kind === kind || continuesList);
    if (sameBlock && open) {
      open.end = line.end;
      continue;
    }
    close();
    open = { kind, start: line.start, end: line.end, headingPath: path.filter(Boolean) };
  }
  close();
  return blocks;
}
