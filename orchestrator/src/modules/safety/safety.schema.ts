import { z } from 'zod';

/** Entity names follow Microsoft Presidio so policies and reports read the same in both tools. */
export const PII_ENTITY_TYPES = [
  'EMAIL_ADDRESS',
  'PHONE_NUMBER',
  'CREDIT_CARD',
  'IBAN_CODE',
  'US_SSN',
  'UK_NINO',
  'DE_TAX_ID',
  'IP_ADDRESS',
  'URL',
  'US_DRIVER_LICENSE',
  'DATE_TIME',
  'AGE',
  'ZIP_CODE',
  'PERSON',
  'LOCATION',
  'ORGANIZATION',
  'TITLE',
  'NRP',
] as const;
export const PiiEntityType = z.enum(PII_ENTITY_TYPES);
export type PiiEntityType = z.infer<typeof PiiEntityType>;

export const ScanDirection = z.enum(['input', 'output', 'retrieved', 'tool']);
export type ScanDirection = z.infer<typeof ScanDirection>;

export const SafetyAction = z.enum(['redact', 'block', 'warn', 'escalate', 'flag']);
export type SafetyAction = z.infer<typeof SafetyAction>;

export const RedactionStrategy = z
  .enum(['mask', 'partial', 'hash'])
  .describe(
    'mask → <EMAIL_ADDRESS>; partial keeps the last 4 characters; hash → <EMAIL_ADDRESS:1a2b3c4d> (stable per value, lets support correlate without seeing it)',
  );
export type RedactionStrategy = z.infer<typeof RedactionStrategy>;

export const DlpRule = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[a-z0-9_.-]+$/i, 'letters, digits, _ . - only'),
  description: z.string().max(200).optional(),
  // Patterns run on RE2 semantics (linear time); see dlp.ts for why and for the limits.
  pattern: z.string().min(1).max(500),
  flags: z
    .string()
    .regex(/^[im]*$/, 'only i and m flags are supported')
    .default('i'),
  action: z.enum(['redact', 'block', 'warn']),
  directions: z.array(ScanDirection).default(['input', 'output']),
});
export type DlpRule = z.infer<typeof DlpRule>;

const phraseList = z.array(z.string().trim().min(2).max(120)).max(500);

export const TopicPolicy = z.object({
  disallowed: z
    .array(z.object({ id: z.string().min(1).max(64), phrases: phraseList, reply: z.string().max(500).optional() }))
    .default([])
    .describe('Topics the assistant refuses; any phrase (case/diacritic-insensitive, word-bounded) triggers it'),
  escalate: z
    .array(z.object({ id: z.string().min(1).max(64), phrases: phraseList }))
    .default([])
    .describe('Topics routed to a human agent (e.g. legal threats, cancellations)'),
  detectHumanRequest: z.boolean().default(true).describe('Route "let me talk to a person" requests (many languages) to a human'),
});
export type TopicPolicy = z.infer<typeof TopicPolicy>;

const STRUCTURED: PiiEntityType[] = ['EMAIL_ADDRESS', 'PHONE_NUMBER', 'CREDIT_CARD', 'IBAN_CODE', 'US_SSN', 'UK_NINO', 'DE_TAX_ID', 'IP_ADDRESS'];

export const SafetyPolicy = z.object({
  pii: z
    .object({
      redact: z
        .object({
          input: z.array(PiiEntityType).default(STRUCTURED),
          output: z.array(PiiEntityType).default(STRUCTURED),
          retrieved: z.array(PiiEntityType).default([]),
          tool: z.array(PiiEntityType).default(STRUCTURED),
          logs: z.array(PiiEntityType).default([...PII_ENTITY_TYPES]),
        })
        .prefault({})
        .describe('Entity types redacted per direction; "input" is what the model sees of the user message'),
      strategy: RedactionStrategy.default('mask'),
      minScore: z.number().min(0).max(1).default(0.5).describe('Detections below this score are ignored'),
    })
    .prefault({}),
  injection: z
    .object({
      threshold: z.number().min(0).max(1).default(0.5),
      blockThreshold: z
        .number()
        .min(0)
        .max(1)
        .default(0.85)
        .describe('With action block, only scores at or above this are refused; lower detections are flagged and the turn goes on'),
      action: z
        .enum(['block', 'flag', 'warn', 'off'])
        .default('flag')
        .describe('block refuses the turn; flag keeps going but records and fences the text; off skips detection'),
      retrievedAction: z.enum(['drop', 'flag']).default('flag').describe('drop removes an injected retrieved/tool chunk from the prompt'),
    })
    .prefault({}),
  secrets: z
    .object({ action: z.enum(['redact', 'block', 'warn', 'off']).default('redact') })
    .prefault({})
    .describe('Credentials found in model output or tool output'),
  dlp: z.array(DlpRule).max(100).default([]),
  topics: TopicPolicy.prefault({}),
  judge: z
    .object({ enabled: z.boolean().default(false), minScore: z.number().min(0).max(1).default(0.3) })
    .prefault({})
    .describe('Optional LLM judge consulted only for borderline injection scores (off by default: offline first)'),
});
export type SafetyPolicy = z.infer<typeof SafetyPolicy>;
export type SafetyPolicyInput = z.input<typeof SafetyPolicy>;

export const DEFAULT_SAFETY_POLICY: SafetyPolicy = Object.freeze(SafetyPolicy.parse({})) as SafetyPolicy;

export interface PiiSpan {
  type: PiiEntityType;
  start: number;
  end: number;
  score: number;
}
