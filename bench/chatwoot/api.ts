/**
 * The Atrium API process for `npm run bench:chatwoot`, as deployed: its own process, event loop and connection pool
 * (DATABASE_POOL_SIZE). With the API inside the benchmark process, the fake Chatwoot's delivery traffic, the calls
 * the workers make to the fake and the load generator all shared the API's event loop, and the API used the test
 * database's small pool — the acknowledgement times then measured the benchmark, not Atrium.
 */
import { createServer } from 'node:http';
import { createAtriumApp, createServices, stopServices } from '../../orchestrator/src/boot';
import { loadConfig } from '../../orchestrator/src/platform/config';
import { createLogger } from '../../orchestrator/src/platform/logger';

const config = loadConfig(process.env);
const services = await createServices(config, { log: createLogger(config.LOG_LEVEL), queuePrefix: process.env.BENCH_QUEUE_PREFIX });
const server = createServer(createAtriumApp(services));
await new Promise<void>((resolve) => server.listen(Number(process.env.BENCH_API_PORT), '127.0.0.1', () => resolve()));
process.send?.('ready');
for (const s of ['SIGTERM', 'SIGINT'] as const)
  process.once(s, () => {
    server.closeAllConnections();
    server.close();
    void stopServices(services).then(() => process.exit(0));
  });
