import type { AtriumModule } from '../module';
import { conversationPolicies } from './conversations.policy';
import { conversationRoutes } from './conversations.routes';

export { ownerRefOf, assertVisible, assertManageable, seesAll } from './access';
export { findConversation, insertMessage, recentMessages, type ConversationRow, type MessageRow } from './conversation-store';
export { createConversationIn, createConversation, openConversationWithMessage } from './commands/create-conversation';
export { escalateIn, escalateConversation, CONVERSATION_ESCALATED, type EscalationReason } from './commands/escalate-conversation';
export { presentConversation, presentMessage } from './conversations.presenter';
export { citationSchema } from './conversations.schema';

export const conversationsModule: AtriumModule = { name: 'conversations', routes: conversationRoutes, jobs: [], policies: conversationPolicies };
