import type { ProviderConfig } from '../config';
import type { ProviderAdapter } from '../types';
import { AnthropicAdapter } from './anthropic';
import { OpenAiAdapter } from './openai';

export function createAdapter(config: ProviderConfig): ProviderAdapter {
  return config.kind === 'anthropic' ? new AnthropicAdapter(config) : new OpenAiAdapter(config);
}
