import type { Server } from 'node:http';
import type { Config } from '../platform/config';
import { createAtriumApp, createServices, startWorker, stopServices } from '../boot';
import { seedDemo } from './seed';

export interface RunningAtrium {
  url: string;
  server: Server;
  stop(): Promise<void>;
}

/** API (+ worker when RUN_WORKER_IN_API) in one process, with graceful shutdown on SIGTERM/SIGINT. */
export async function serve(config: Config, options: { worker?: boolean; quiet?: boolean } = {}): Promise<RunningAtrium> {
  const started = performance.now();
  const services = await createServices(config);
  const app = createAtriumApp(services);
  if (options.worker ?? config.RUN_WORKER_IN_API) await startWorker(services);
  const seeded = config.SEED_DEMO ? await seedDemo(services) : undefined;
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(config.PORT, config.HOST, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const url = config.PUBLIC_URL ?? `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${port}`;
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      services.log.info('shutting down: closing HTTP, draining jobs');
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await stopServices(services);
    })());
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void stop().then(() => process.exit(0)));
  const readyMs = Math.round(performance.now() - started);
  services.log.info({ url, readyMs, database: services.db.kind, queue: services.queue.kind }, 'Atrium is ready');
  if (!options.quiet) {
    const lines = [
      '',
      `  Atrium is running at ${url}  (ready in ${(readyMs / 1000).toFixed(1)} s; database: ${services.db.kind}, queue: ${services.queue.kind})`,
      `  API reference: ${url}/docs`,
      ...(seeded?.demoApiKey
        ? [`  Demo tenant "${seeded.tenantSlug}"; API key: ${seeded.demoApiKey}`, `  Try: curl -H "Authorization: Bearer ${seeded.demoApiKey}" ${url}/v1/me`]
        : []),
      '',
    ];
    process.stdout.write(lines.join('\n') + '\n');
  }
  return { url, server, stop };
}
