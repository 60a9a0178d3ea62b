import { NO_ANSWER_MARKER } from './prompt';
import type { RedactionSpan, SafetyFlag, SafetyGate } from './ports';

/**
 * Applies output safety to a model answer as it streams, without ever taking back text already sent:
 *
 * - Text is released only up to a word boundary, and a token that could be part of a structured
 *   identifier (digits, "@", "+") is held until it is HOLDBACK characters behind the end, so an email,
 *   card number or IBAN arriving in pieces is complete before it is scanned and redacted.
 * - A redaction span that reaches past the release point pulls the point back to its start.
 * - A leading NO_ANSWER marker is stripped and remembered.
 * - When the policy blocks the answer, nothing more is released and a notice ends it.
 *
 * - When the policy redacts entities written as plain words (names, places, organisations: no digit
 *   or "@" to hold on to), capitalised words are held the same way, and a run of them ("Maria de la
 *   Cruz", "Baker Street, London") is held from its first word, so a name split across deltas is
 *   whole when it is scanned. The default policy (structured types only) pays nothing for this.
 */
const HOLDBACK = 48;
/** Re-scan once this much new text has arrived (or at the end): scanning every token would be quadratic. */
const SCAN_EVERY = 24;
/** Context kept before the release point when scanning, so a span straddling it is still recognised. */
const SCAN_CONTEXT = 64;
const SUSPICIOUS = /[\p{N}@+]/u;
/** With names redacted: also a word starting with a capital letter (after any opening punctuation). */
const SUSPICIOUS_OR_NAME = /[\p{N}@+]|^[^\p{L}\p{N}]*\p{Lu}/u;
/** Lower-case words that continue a name or an address: "de la Cruz", "van der Berg", "Bank of England". */
const NAME_CONNECTOR = /^(?:de|del|della|di|da|do|dos|du|la|le|van|von|der|den|ter|ten|bin|ibn|al|el|y|of|and|&)$/u;

export const WITHHELD_NOTICE = '[The rest of this answer was withheld by the safety policy.]';

export class OutputGuard {
  private raw = '';
  private released = 0;
  private scannedAt = -SCAN_EVERY;
  private spans: RedactionSpan[] = [];
  private markerChecked: boolean;
  private output = '';
  private readonly seenFlags = new Set<string>();
  private readonly holdNames: boolean;
  readonly flags: SafetyFlag[] = [];
  noAnswer = false;
  blocked = false;

  constructor(
    private readonly gate: SafetyGate | null,
    options: { stripMarker: boolean },
  ) {
    this.markerChecked = !options.stripMarker;
    this.holdNames = gate?.redactsWordsInOutput === true;
  }

  /** The full answer as released so far (redacted). */
  get text(): string {
    return this.output;
  }

  /** Adds model text; returns the part that may be shown now (possibly empty). */
  push(delta: string): string {
    if (this.blocked) return '';
    this.raw += delta;
    if (!this.markerChecked && !this.checkMarker(false)) return '';
    return this.release(false);
  }

  /** End of the answer: releases everything left, scanned. */
  finish(): string {
    if (this.blocked) return '';
    if (!this.markerChecked) this.checkMarker(true);
    return this.release(true);
  }

  /** Returns false while the start could still turn out to be the marker. */
  private checkMarker(final: boolean): boolean {
    const start = this.raw.trimStart();
    if (!final && start.length < NO_ANSWER_MARKER.length && NO_ANSWER_MARKER.startsWith(start)) return false;
    this.markerChecked = true;
    if (start.startsWith(NO_ANSWER_MARKER)) {
      this.noAnswer = true;
      this.raw = start.slice(NO_ANSWER_MARKER.length).trimStart();
    }
    return true;
  }

  private release(final: boolean): string {
    if ((final && this.scannedAt !== this.raw.length) || this.raw.length - this.scannedAt >= SCAN_EVERY) this.scan();
    if (this.blocked) return this.withheld();
    let end = final ? this.raw.length : this.safeEnd();
    for (const span of this.spans) if (span.start < end && span.end > end) end = span.start;
    if (end <= this.released) return '';
    const slice = this.raw.slice(this.released, end);
    const local = this.spans
      .filter((span) => span.start >= this.released && span.end <= end)
      .map((span) => ({ ...span, start: span.start - this.released, end: span.end - this.released }));
    const shown = this.gate && local.length ? this.gate.redact(slice, local) : slice;
    this.released = end;
    this.output += shown;
    return shown;
  }

  /** Last word boundary, pulled back before any suspicious token in the held-back tail. */
  private safeEnd(): number {
    let end = this.raw.search(/\s\S*$/u);
    if (end < 0) return this.released;
    end += 1;
    const tailStart = Math.max(this.released, this.raw.length - HOLDBACK);
    const suspicious = this.holdNames ? SUSPICIOUS_OR_NAME : SUSPICIOUS;
    const tokens = this.raw.slice(tailStart, end).matchAll(/\S+/gu);
    for (const token of tokens) {
      if (suspicious.test(token[0])) return Math.max(this.released, this.runStart(tailStart + (token.index ?? 0)));
    }
    return end;
  }

  /** With names held: the start of the run of capitalised words (and connectors) that ends at `at`. */
  private runStart(at: number): number {
    if (!this.holdNames) return at;
    let start = at;
    for (;;) {
      const before = /(\S+)\s+$/u.exec(this.raw.slice(this.released, start));
      if (!before) return start;
      const word = before[1]!.replace(/[,;:]$/u, '');
      if (!SUSPICIOUS_OR_NAME.test(word) && !NAME_CONNECTOR.test(word)) return start;
      start -= before[0].length;
    }
  }

  private scan(): void {
    this.scannedAt = this.raw.length;
    if (!this.gate) return;
    const from = Math.max(0, this.released - SCAN_CONTEXT);
    const result = this.gate.scan(this.raw.slice(from), 'output');
    this.spans = result.spans.map((span) => ({ ...span, start: span.start + from, end: span.end + from }));
    for (const flag of result.flags) {
      const key = `${flag.kind}:${flag.action}:${flag.label ?? ''}`;
      if (!this.seenFlags.has(key)) {
        this.seenFlags.add(key);
        this.flags.push(flag);
      }
    }
    if (result.blocked) this.blocked = true;
  }

  private withheld(): string {
    const notice = `${this.output && !/\s$/.test(this.output) ? ' ' : ''}${WITHHELD_NOTICE}`;
    this.output += notice;
    return notice;
  }
}
