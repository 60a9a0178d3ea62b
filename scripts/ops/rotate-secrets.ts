// Re-encrypts every sealed integration/tool/webhook secret with the current ATRIUM_ENCRYPTION_KEY.
//   ATRIUM_ENCRYPTION_KEY=<new> ATRIUM_ENCRYPTION_KEYS_OLD=<old> npx tsx scripts/ops/rotate-secrets.ts
// In the compose stack: docker compose run --rm --entrypoint "node --import tsx scripts/ops/rotate-secrets.ts" atrium-worker
// Exit code 1 when some secret could not be decrypted with any configured key (listed on stderr).
import { loadConfig } from '../../orchestrator/src/platform/config';
import { createServices, stopServices } from '../../orchestrator/src/boot';
import { rotateSecrets } from '../../orchestrator/src/modules/governance';

const services = await createServices(loadConfig(process.env));
try {
  const report = await rotateSecrets(services);
  process.stdout.write(`${JSON.stringify({ tenants: report.tenants, rotated: report.rotated, already_current: report.alreadyCurrent }, null, 2)}\n`);
  if (report.unreadable.length) {
    process.stderr.write(
      `unreadable with the configured keys (re-enter these secrets):\n${report.unreadable.map((u) => `  ${u.table} ${u.id} (tenant ${u.tenantId})`).join('\n')}\n`,
    );
    process.exitCode = 1;
  }
} finally {
  await stopServices(services);
}
