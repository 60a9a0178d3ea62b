/**
 * A fake LLM server on loopback speaking OpenAI Chat Completions, Azure OpenAI, Anthropic Messages
 * and OpenAI embeddings, scriptable per test. Used by connector tests, chat tests and benchmarks.
 */
export { startFakeLlm, type FakeLlm, type FakeLlmOptions, type RecordedRequest } from './server';
export { reply, type FakeApi, type FakeMatch, type FakeReply } from './script';
export { defaultAnswer, fakeEmbedding, numberedSources, countTokens } from './default-answer';
