export { callN8nWebhook, N8nCallError, WEBHOOK_PATH, type N8nCallErrorCode, type WebhookCall, type WebhookResult } from './webhook-call';
export { signToolCall, verifyToolCall, SIGNATURE_HEADER, TIMESTAMP_HEADER, type SignatureProblem } from './signature';
export { createN8nApi, webhookPathsOf, N8nApiError, type N8nApi, type N8nWorkflow, type N8nExecution, type WorkflowDefinition } from './public-api';
