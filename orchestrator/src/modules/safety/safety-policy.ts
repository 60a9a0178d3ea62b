/**
 * The tenant's `safety` config section (tenants/tenant-config.schema.ts, snake_case, owned by the
 * tenants module) translated into this module's SafetyPolicy. Cached per config object: a turn scans
 * several texts with the same policy, and DLP patterns are compiled once per policy.
 */
import type { TenantConfig } from '../tenants';
import { PII_ENTITY_TYPES, SafetyPolicy, type PiiEntityType, type SafetyPolicyInput } from './safety.schema';

const KNOWN_TYPES = new Set<string>(PII_ENTITY_TYPES);
const cache = new WeakMap<object, SafetyPolicy>();

const slug = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9_.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64) || 'rule';

export function policyFromTenantConfig(config: Pick<TenantConfig, 'safety' | 'escalation'>): SafetyPolicy {
  const hit = cache.get(config);
  if (hit) return hit;
  const s = config.safety;
  const types = s.pii_types.filter((t): t is PiiEntityType => KNOWN_TYPES.has(t));
  const input: SafetyPolicyInput = {
    pii: {
      redact: {
        input: s.redact_pii_in_model_input ? types : [],
        output: s.redact_pii_in_output ? types : [],
        retrieved: [],
        tool: s.redact_pii_in_model_input ? types : [],
        logs: s.redact_pii_in_logs ? [...PII_ENTITY_TYPES] : [],
      },
    },
    injection: { threshold: s.injection_threshold, blockThreshold: s.injection_block_threshold, action: s.injection_action },
    secrets: { action: s.secret_scanning ? 'redact' : 'off' },
    dlp: s.dlp_rules.map((r) => ({ id: slug(r.name), description: r.name, pattern: r.pattern, flags: '', action: r.action, directions: r.applies_to })),
    topics: {
      disallowed: s.disallowed_topics.map((phrase) => ({ id: slug(phrase), phrases: [phrase] })),
      escalate: s.escalation_topics.map((phrase) => ({ id: slug(phrase), phrases: [phrase] })),
      detectHumanRequest: config.escalation.on_human_request,
    },
  };
  const policy = SafetyPolicy.parse(input);
  cache.set(config, policy);
  return policy;
}
