import type { AtriumModule } from '../module';
import { setToolProvider } from '../chat';
import { toolPolicies } from './tools.policy';
import { toolRoutes } from './tools.routes';
import { conversationPostRoutes } from './conversation-post.routes';
import { executeApprovedCallJob, runApprovedCalls } from './jobs/execute-approved-call.job';
import { RECOVER_EVERY_MS, recoverApprovedCallsJob } from './jobs/recover-approved-calls.job';
import { createToolProvider } from './tool-provider';

export { invokeTool, type ToolCall, type ToolOutcome, type ToolOutcomeStatus, type ToolSource } from './commands/invoke-tool';
export {
  createToolProvider,
  type ToolProvider,
  type ToolTurnContext,
  type ModelToolCall,
  type ModelToolDefinition,
  type ModelToolOutcome,
} from './tool-provider';
export { createRunGuard, type RunGuard } from './run-guard';
export { recoverApprovedCalls } from './jobs/recover-approved-calls.job';

export const toolsModule: AtriumModule = {
  name: 'tools',
  routes: [...toolRoutes, ...conversationPostRoutes],
  jobs: [executeApprovedCallJob, recoverApprovedCallsJob],
  policies: toolPolicies,
  init(services) {
    // Tools plug into every chat turn (the chat module owns the loop and scans each result), and
    // approved tool calls run as jobs.
    setToolProvider(services, createToolProvider());
    runApprovedCalls(services);
  },
  // approved calls whose execution job was lost (a crash between the decision's commit and the enqueue)
  schedules: (services) => services.queue.schedule(recoverApprovedCallsJob, {}, RECOVER_EVERY_MS),
};
