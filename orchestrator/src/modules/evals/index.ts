import type { AtriumModule } from '../module';
import { evalsPolicies } from './evals.policy';
import { evalsRoutes } from './evals.routes';
import { evalRunJob } from './jobs/eval-run.job';
import { provideAssistant } from './assistant-port';
import { chatAssistant } from './chat-assistant';

export { provideAssistant, type AskAssistant, type AssistantProbe, type AssistantReply } from './assistant-port';
export { builtInAttackSets } from './attack-sets';
export { latestAssurance } from './commands/latest-assurance';

export const evalsModule: AtriumModule = {
  name: 'evals',
  routes: evalsRoutes,
  jobs: [evalRunJob],
  policies: evalsPolicies,
  // The real chat engine by default; tests may provide another engine for one services instance.
  init: (services) => provideAssistant(chatAssistant, services),
};
