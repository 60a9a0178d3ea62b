import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The Docker client that parses docker-compose.yml (no engine needed): `docker compose` (v2 plugin) when installed,
 * else the standalone `docker-compose`. scripts/provision/compose.sh installs one, so under `npm test` it is there.
 */
export const ROOT = join(__dirname, '..', '..');

function composeCommand(): string[] | null {
  if (spawnSync('docker', ['compose', 'version'], { stdio: 'ignore' }).status === 0) return ['docker', 'compose'];
  if (spawnSync('docker-compose', ['version'], { stdio: 'ignore' }).status === 0) return ['docker-compose'];
  return null;
}

export const compose = composeCommand();

/** Runs the compose client at the repository root with the example environment file. */
export function runCompose(args: string[], env: Record<string, string> = {}) {
  const [cmd, ...pre] = compose!;
  return spawnSync(cmd!, [...pre, '--env-file', join(ROOT, 'compose', '.env.example'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout: 30_000,
  });
}
