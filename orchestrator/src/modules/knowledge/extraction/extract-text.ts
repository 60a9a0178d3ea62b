import { extname } from 'node:path';
import { convert } from 'html-to-text';
import Papa from 'papaparse';
import { AppError } from '../../../platform/errors';

/**
 * Turns an uploaded file into Markdown-flavoured text the chunker understands (headings as `#` lines,
 * tables as `|` rows), through well-kept extractors: html-to-text, mammoth (DOCX), pdf-parse (PDF),
 * papaparse (CSV). Each failure becomes an AppError with a code and a message a user can act on.
 * The PDF and DOCX extractors (pdf.js, mammoth) load on first use: they are not needed to start.
 */
export const SUPPORTED_TYPES = {
  txt: 'text/plain',
  md: 'text/markdown',
  html: 'text/html',
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  csv: 'text/csv',
  json: 'application/json',
} as const;
export type DocumentFormat = keyof typeof SUPPORTED_TYPES;

const MIME_TO_FORMAT = new Map<string, DocumentFormat>([
  ...Object.entries(SUPPORTED_TYPES).map(([format, mime]) => [mime, format as DocumentFormat] as const),
  ['text/x-markdown', 'md'],
  ['application/xhtml+xml', 'html'],
  ['application/csv', 'csv'],
]);

/** The format of a file from its extension, then its declared MIME type; null when unsupported. */
export function detectFormat(fileName: string, mimeType?: string): DocumentFormat | null {
  const ext = extname(fileName).slice(1).toLowerCase();
  if (ext === 'markdown') return 'md';
  if (ext === 'htm') return 'html';
  if (ext in SUPPORTED_TYPES) return ext as DocumentFormat;
  const mime = mimeType?.split(';')[0]?.trim().toLowerCase();
  return (mime && MIME_TO_FORMAT.get(mime)) || null;
}

export interface ExtractedText {
  text: string;
  /** A title found inside the file (HTML <title>, first Markdown heading), if any. */
  title?: string;
}

const corrupt = (format: string, cause: unknown) =>
  new AppError(
    'EXTRACTION_FAILED',
    `The ${format.toUpperCase()} file could not be read (${(cause as Error).message ?? 'unknown error'}); check that it opens in a viewer and upload it again`,
    { status: 422, cause },
  );

function decodeUtf8(body: Buffer, format: string): string {
  if (body.includes(0)) throw new AppError('EXTRACTION_FAILED', `The ${format} file contains binary data; upload a text file saved as UTF-8`, { status: 422 });
  return new TextDecoder('utf-8').decode(body);
}

const headingFormat = (level: number) => ({ format: 'markdownHeading', options: { level } });

export function htmlToMarkdownText(html: string): ExtractedText {
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(html)?.[1]?.trim();
  const text = convert(html, {
    wordwrap: false,
    formatters: {
      // keep headings as Markdown so the chunker can follow the document's sections
      markdownHeading: (elem, walk, builder, options) => {
        builder.openBlock({ leadingLineBreaks: 2 });
        builder.addInline(`${'#'.repeat(Number((options as { level?: number }).level ?? 1))} `);
        walk(elem.children, builder);
        builder.closeBlock({ trailingLineBreaks: 2 });
      },
    },
    selectors: [
      ...[1, 2, 3, 4, 5, 6].map((level) => ({ selector: `h${level}`, ...headingFormat(level) })),
      { selector: 'a', options: { ignoreHref: true } },
      { selector: 'img', format: 'skip' },
      { selector: 'nav', format: 'skip' },
      { selector: 'script', format: 'skip' },
      { selector: 'style', format: 'skip' },
      { selector: 'footer', format: 'skip' },
      { selector: 'table', format: 'dataTable' },
    ],
  });
  return { text, title: title || undefined };
}

function csvToMarkdownTable(text: string): string {
  const parsed = Papa.parse<string[]>(text.trim(), { skipEmptyLines: true });
  if (parsed.errors.length > 0 && parsed.data.length === 0) throw new Error(parsed.errors[0]!.message);
  const cell = (value: unknown) =>
    String(value ?? '')
      .replace(/\|/g, '\\|')
      .replace(/\s+/g, ' ')
      .trim();
  const [header, ...rows] = parsed.data;
  if (!header) return '';
  return [`| ${header.map(cell).join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`)].join('\n');
}

/** JSON becomes one "path: value" line per leaf, which reads well and indexes every field. */
function jsonToLines(value: unknown, path = ''): string[] {
  if (value !== null && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => jsonToLines(child, path ? `${path}.${key}` : key));
  }
  return [`${path || 'value'}: ${String(value)}`];
}

export async function extractText(body: Buffer, format: DocumentFormat): Promise<ExtractedText> {
  switch (format) {
    case 'txt':
      return { text: decodeUtf8(body, 'text') };
    case 'md': {
      const text = decodeUtf8(body, 'Markdown');
      return { text, title: /^#\s+(.+)$/m.exec(text)?.[1]?.trim() };
    }
    case 'html':
      return htmlToMarkdownText(decodeUtf8(body, 'HTML'));
    case 'csv':
      try {
        return { text: csvToMarkdownTable(decodeUtf8(body, 'CSV')) };
      } catch (e) {
        throw e instanceof AppError ? e : corrupt('csv', e);
      }
    case 'json':
      try {
        return { text: jsonToLines(JSON.parse(decodeUtf8(body, 'JSON'))).join('\n') };
      } catch (e) {
        throw e instanceof AppError ? e : corrupt('json', e);
      }
    case 'pdf': {
      const { PDFParse } = await import('pdf-parse');
      const parser = new PDFParse({ data: new Uint8Array(body) });
      try {
        return { text: (await parser.getText()).text };
      } catch (e) {
        throw corrupt('pdf', e);
      } finally {
        await parser.destroy().catch(() => undefined);
      }
    }
    case 'docx':
      try {
        const { default: mammoth } = await import('mammoth');
        const { value } = await mammoth.convertToHtml({ buffer: body });
        return { text: htmlToMarkdownText(value).text };
      } catch (e) {
        throw corrupt('docx', e);
      }
  }
}
