import { defineRoute } from '../../platform/http/route';
import { presentCompletion } from './chat.presenter';
import { chatCompletionBody, chatCompletionResponse } from './chat.schema';
import { writeCompletionStream } from './completion-stream';
import { runTurn } from './turn/run-turn';
import type { TurnMessage } from './turn/types';

export const chatRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/chat/completions',
    summary: 'OpenAI-compatible chat completion: a grounded, cited, safety-checked answer (plain or SSE stream)',
    tags: ['chat'],
    auth: 'tenant',
    permission: 'chat:create',
    body: chatCompletionBody,
    response: chatCompletionResponse,
    produces: ['application/json', 'text/event-stream'],
    handler: async ({ ctx, body, res }) => {
      // OpenAI's "developer" role is the newer name for "system"; client-side tool messages are not Atrium's to run.
      const messages: TurnMessage[] = body.messages.flatMap((m) =>
        m.role === 'tool' ? [] : [{ role: m.role === 'developer' ? ('system' as const) : m.role, content: m.content }],
      );
      const controller = new AbortController();
      const turn = { ctx, messages, conversationId: body.conversation_id, channel: body.channel, endUser: body.user, signal: controller.signal };
      if (body.stream) {
        await writeCompletionStream(res, runTurn({ ...turn, stream: true }), {
          model: body.model,
          includeUsage: body.stream_options?.include_usage === true,
          onClientGone: () => controller.abort(),
        });
        return undefined;
      }
      res.on('close', () => {
        if (!res.writableFinished) controller.abort();
      });
      return presentCompletion(await runTurn(turn), body.model, Math.floor(Date.now() / 1000));
    },
  }),
];
