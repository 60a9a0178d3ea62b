/**
 * Fixed wording of the replies the turn composes itself (no model involved). English, short and
 * honest about what happens next; tenants change tone through their system prompt, not these.
 */
export const replies = {
  refused: "I'm sorry, I can't help with that request.",
  handoff: "I'm passing this conversation to a colleague, who will reply here as soon as possible.",
  handoffAfterNoAnswer: "I've asked a colleague to help; they will reply here.",
  remembered: "Got it, I'll remember that. You can review or erase what I remember at any time.",
  memoryNeedsConsent: 'I can only remember things if you allow it. Turn on memory in your settings (or say so to your administrator), then tell me again.',
  memoryOff: "Memory is turned off for this assistant, so I can't keep that for later.",
  modelsDown: "I'm having trouble answering right now. Please try again in a moment.",
  modelsDownEscalated: "I'm having trouble answering right now, so I've passed your question to a colleague, who will reply here.",
  interrupted: '(My answer was interrupted. A colleague will follow up.)',
  outputWithheld: "I'm sorry, I can't share that answer. A colleague can help you further.",
  empty: "I'm sorry, I don't have an answer to that.",
};
