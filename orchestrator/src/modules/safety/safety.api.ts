/** Request/response schemas of the safety HTTP API (the OpenAPI document is generated from these). */
import { z } from 'zod';
import { PiiEntityType, SafetyAction, ScanDirection } from './safety.schema';

export const scanBody = z.object({
  text: z.string().max(100_000, 'text: at most 100,000 characters per scan').describe('Text to scan'),
  direction: ScanDirection.default('input').describe('input = customer message, output = model answer, retrieved = knowledge chunk, tool = tool output'),
});

const span = { start: z.number().int(), end: z.number().int() };

export const scanResponse = z.object({
  direction: ScanDirection,
  injection: z.object({ detected: z.boolean(), score: z.number(), cues: z.array(z.string()) }),
  pii: z.array(z.object({ type: PiiEntityType, ...span, score: z.number() })),
  secrets: z.array(z.object({ type: z.string(), ...span })),
  dlp: z.array(z.object({ rule_id: z.string(), action: z.enum(['redact', 'block', 'warn']), ...span })),
  topics: z.array(z.object({ kind: z.enum(['disallowed', 'escalate', 'human_request']), topic_id: z.string() })),
  redacted: z.string().describe('The text with what the tenant policy redacts in this direction replaced'),
  actions: z.array(SafetyAction),
});
export type ScanResponse = z.infer<typeof scanResponse>;
