/**
 * Credential scanning for model output and tool output: provider key formats (prefixes documented by
 * AWS, GitHub, Slack, Stripe, OpenAI, Anthropic, Google), PEM private keys, JWTs, passwords embedded in
 * URLs and "password = …" style assignments. Spans point at the secret itself so redaction keeps context.
 */
import { matchAll } from './pii/context';

export type SecretType =
  | 'AWS_ACCESS_KEY'
  | 'AWS_SECRET_KEY'
  | 'GITHUB_TOKEN'
  | 'SLACK_TOKEN'
  | 'STRIPE_KEY'
  | 'OPENAI_KEY'
  | 'ANTHROPIC_KEY'
  | 'GOOGLE_API_KEY'
  | 'PRIVATE_KEY'
  | 'JWT'
  | 'URL_PASSWORD'
  | 'PASSWORD_ASSIGNMENT';

export interface SecretFinding {
  type: SecretType;
  start: number;
  end: number;
}

/** [type, pattern, capture group holding the secret (0 = whole match)] */
const PATTERNS: Array<[SecretType, RegExp, number]> = [
  ['AWS_ACCESS_KEY', /\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b/g, 0],
  ['AWS_SECRET_KEY', /\baws.{0,20}?(?:secret|private).{0,20}?[:=]\s*["']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi, 1],
  ['GITHUB_TOKEN', /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{60,255})\b/g, 0],
  ['SLACK_TOKEN', /\bxox[abposr]-[A-Za-z0-9-]{10,200}\b/g, 0],
  ['STRIPE_KEY', /\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,200}\b/g, 0],
  ['ANTHROPIC_KEY', /\bsk-ant-[A-Za-z0-9_-]{20,200}/g, 0],
  ['OPENAI_KEY', /\bsk-(?!ant-)(?:proj-|svcacct-)?[A-Za-z0-9_-]{20,200}/g, 0],
  ['GOOGLE_API_KEY', /\bAIza[0-9A-Za-z_-]{35}\b/g, 0],
  // Bounded body so an unterminated header cannot make the scan quadratic.
  ['PRIVATE_KEY', /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----(?:[\s\S]{0,8000}?-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----)?/g, 0],
  ['JWT', /\beyJ[A-Za-z0-9_-]{8,4000}\.eyJ[A-Za-z0-9_-]{8,4000}\.[A-Za-z0-9_-]{8,2000}/g, 0],
  ['URL_PASSWORD', /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:/@]{1,100}:([^\s@/]{1,200})@/gi, 1],
  [
    'PASSWORD_ASSIGNMENT',
    /\b(?:password|passwd|pwd|passwort|kennwort|mot de passe|contraseña|secret|client_secret|api[_-]?key|access[_-]?token|auth[_-]?token)["']?(?:\s*[:=]|\s+(?:is|ist|est|es)\b:?)\s*["']?([^\s"',;]{6,200})/gi,
    1,
  ],
];

export function scanSecrets(text: string): SecretFinding[] {
  const found: SecretFinding[] = [];
  for (const [type, pattern, group] of PATTERNS) {
    for (const m of matchAll(text, pattern)) {
      const value = m[group]!;
      const start = group === 0 ? m.index : m.index + m[0].lastIndexOf(value);
      if (found.some((f) => start < f.end && start + value.length > f.start)) continue;
      found.push({ type, start, end: start + value.length });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}
