/** The `atrium` commands (loaded by ../cli.ts once early start-up work is under way). */
import { Command } from 'commander';
import { ConfigError, embeddedServeOverrides, loadConfig, renderEnvExample, type Config } from '../platform/config';
import { openDatabase } from '../platform/db';
import { createServices, startWorker, stopServices } from '../boot';
import { serve } from './serve';
import { seedDemo } from './seed';
import { verifyAuditChain } from '../modules/audit';
import { registerExtraCommands } from './extra-commands';

/** Loads config or exits with the readable list of problems (never a stack trace). */
function config(overrides: Record<string, string> = {}): Config {
  try {
    return loadConfig(undefined, overrides);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n\nSee .env.example for every setting.\n`);
      process.exit(2);
    }
    throw error;
  }
}

const program = new Command()
  .name('atrium')
  .description('Atrium: the AI front desk that federates Keycloak, Chatwoot and n8n.\nConfiguration comes from environment variables (see .env.example).')
  .showHelpAfterError();

program
  .command('serve')
  .description('Run the API (and the worker, unless RUN_WORKER_IN_API=false). Without DATABASE_URL: embedded PGlite, in-process queue, demo tenant.')
  .option('--embedded', 'embedded defaults: seed the demo tenant and print its API key')
  .action(async (opts: { embedded?: boolean }) => {
    await serve(config(opts.embedded ? embeddedServeOverrides() : {}));
  });

program
  .command('worker')
  .description('Run only the job worker (scale it independently of the API).')
  .action(async () => {
    const services = await createServices(config());
    await startWorker(services);
    services.log.info({ queue: services.queue.kind }, 'worker started');
    for (const s of ['SIGTERM', 'SIGINT'] as const) process.once(s, () => void stopServices(services).then(() => process.exit(0)));
  });

program
  .command('migrate')
  .description('Apply pending database migrations and exit.')
  .action(async () => {
    const { db, migrations } = await openDatabase(config());
    process.stdout.write(migrations.applied.length ? `applied: ${migrations.applied.join(', ')}\n` : 'database is up to date\n');
    await db.close();
  });

program
  .command('seed')
  .description('Create the demo tenant and a demo API key (idempotent).')
  .action(async () => {
    const services = await createServices(config());
    const r = await seedDemo(services);
    process.stdout.write(`tenant ${r.tenantSlug} (${r.tenantId})${r.demoApiKey ? `\napi key: ${r.demoApiKey}` : ''}\n`);
    await stopServices(services);
  });

const audit = program.command('audit').description('Audit log tools.');
audit
  .command('verify')
  .description("Recompute each tenant's audit hash chain and report the first broken link. Exit code 1 if any chain is broken.")
  .option('--tenant <slug>', 'only this tenant')
  .action(async (opts: { tenant?: string }) => {
    const { db } = await openDatabase(config(), { migrate: false });
    const tenants = await db.query<{ id: string; slug: string }>('SELECT id, slug FROM tenants WHERE $1::text IS NULL OR slug = $1 ORDER BY slug', [
      opts.tenant ?? null,
    ]);
    let broken = 0;
    for (const t of tenants.rows) {
      const r = await verifyAuditChain(db, t.id);
      if (!r.ok) broken += 1;
      process.stdout.write(`${t.slug}: ${r.ok ? `ok (${r.checked} rows)` : `BROKEN at seq ${r.firstBroken?.seq} (${r.firstBroken?.reason})`}\n`);
    }
    await db.close();
    process.exit(broken ? 1 : 0);
  });

const cfg = program.command('config').description('Configuration tools.');
cfg
  .command('env-example')
  .description('Print .env.example generated from the config schema.')
  .action(() => void process.stdout.write(renderEnvExample()));
cfg
  .command('check')
  .description('Validate the current environment and print the problems, if any.')
  .action(() => {
    config();
    process.stdout.write('configuration is valid\n');
  });

registerExtraCommands(program, config);

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
