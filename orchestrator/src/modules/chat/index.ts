import type { AtriumModule } from '../module';
import { chatPolicies } from './chat.policy';
import { chatRoutes } from './chat.routes';

/**
 * The chat turn engine, shared by every channel (OpenAI-compatible API, Chatwoot bot, widget,
 * playground): `runTurn` plain or streaming; tools plug in with `setToolProvider` at boot.
 */
export { runTurn } from './turn/run-turn';
export { setToolProvider, type ToolProvider, type ToolCallRequest, type ToolOutcome, type ToolTurnContext, type SafetyFlag, type Passage } from './turn/ports';
export type { TurnInput, TurnResult, TurnEvent, TurnMessage, Citation } from './turn/types';

export const chatModule: AtriumModule = { name: 'chat', routes: chatRoutes, jobs: [], policies: chatPolicies };
