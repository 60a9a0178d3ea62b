import { setLogScrubber } from '../../platform/logger';
import type { AtriumModule } from '../module';
import { redactLogValue } from './log-redaction';
import { safetyPolicies } from './safety.policy';
import { safetyRoutes } from './safety.routes';

export {
  SafetyPolicy,
  DEFAULT_SAFETY_POLICY,
  DlpRule,
  TopicPolicy,
  PiiEntityType,
  PII_ENTITY_TYPES,
  ScanDirection,
  type SafetyPolicyInput,
  type PiiSpan,
} from './safety.schema';
export { policyFromTenantConfig } from './safety-policy';
export { scanText, scanTextWithJudge, type ScanInput, type ScanResult } from './commands/scan-text';
export {
  applyInputSafety,
  applyOutputSafety,
  scanRetrieved,
  scanToolOutput,
  createSafetyGate,
  type SafetyDecision,
  type SafetyFlag,
  type SafetyGate,
} from './gate';
export { compileDlpRules, validateDlpPattern } from './dlp';
export { detectPii } from './pii/detect-pii';
export { detectInjection } from './injection/detect-injection';
export { scanSecrets } from './secrets';
export { detectHumanRequest } from './topics';
export { redactSpans, type RedactionSpan } from './redact';
export { redactLogString, redactLogValue, piiLogRedaction } from './log-redaction';
export type { InjectionJudge, JudgeVerdict } from './judge';

export const safetyModule: AtriumModule = {
  name: 'safety',
  routes: safetyRoutes,
  jobs: [],
  policies: safetyPolicies,
  // From boot on, every log line passes the PII/secret scrubber (platform/logger.ts offers the hook).
  init: () => setLogScrubber(redactLogValue),
};
