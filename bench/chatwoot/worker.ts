/**
 * A job-worker process for `npm run bench:chatwoot` (spawned, and killed, by the benchmark): the same boot as
 * `atrium worker`, plus the bench's queue prefix and — for the "excluding model time" figures — an engine that
 * answers instantly with a citation, so what is measured is the Chatwoot bridge itself.
 */
import { loadConfig } from '../../orchestrator/src/platform/config';
import { createLogger } from '../../orchestrator/src/platform/logger';
import { createServices, startWorker, stopServices } from '../../orchestrator/src/boot';
import { setTurnEngine } from '../../orchestrator/src/modules/chatwoot';

const config = loadConfig(process.env);
const services = await createServices(config, { log: createLogger(config.LOG_LEVEL), queuePrefix: process.env.BENCH_QUEUE_PREFIX });
if (process.env.BENCH_ENGINE === 'instant') {
  setTurnEngine(services, {
    runTurn: async (input) => ({
      kind: 'answer',
      text: `Answer to: ${input.customerMessages.join(' ').slice(0, 80)}`,
      citations: [{ title: 'Help centre', url: 'https://help.example.com/answers' }],
    }),
  });
}
await startWorker(services);
process.send?.('ready');
for (const s of ['SIGTERM', 'SIGINT'] as const) process.once(s, () => void stopServices(services).then(() => process.exit(0)));
