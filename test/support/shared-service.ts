import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Keycloak and n8n take minutes to start on this shared 2-core machine, and every engineer's `vitest run` needs
 * them. So one instance of each is shared by all test runs on the machine: the first run starts it detached, later
 * runs reuse it while it is healthy, and a small watchdog stops it once no run has held a lease for
 * ATRIUM_TEST_SERVICES_IDLE_SECONDS (default 600). Tests therefore never assume a pristine Keycloak: they create
 * uniquely named users and tenants and assert on those.
 */
export interface Launched<T> {
  info: T;
  /** process-group leader of the server (killed with its whole group) */
  pid: number;
  /** folder removed once the server has stopped */
  dir: string;
}

interface State<T> extends Launched<T> {
  startedAt: string;
  watchdogPid: number;
}

const servicesDir = () => join(process.env.ATRIUM_CACHE ?? join(homedir(), '.cache', 'atrium'), 'test-services');
export const idleSeconds = () => Number(process.env.ATRIUM_TEST_SERVICES_IDLE_SECONDS ?? 600);

const alive = (pid: number) => {
  if (!(pid > 0)) return false; // kill(0) would signal our own process group and "succeed"
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A directory lock (atomic mkdir) that survives a crashed holder: a lock whose owner pid is gone is broken. */
async function withLock<R>(path: string, timeoutMs: number, fn: () => Promise<R>): Promise<R> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      mkdirSync(path);
      writeFileSync(join(path, 'owner'), String(process.pid));
      break;
    } catch {
      const owner = Number(readFileSafe(join(path, 'owner')));
      if (owner && !alive(owner)) rmSync(path, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`timed out waiting for ${path} (held by pid ${owner || '?'})`);
      else await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(path, { recursive: true, force: true });
  }
}

const readFileSafe = (path: string) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
};

/**
 * Reuses the machine's running `name` instance when `healthy`, else launches one. Returns its info and a
 * release function (call it at the end of the run).
 */
export async function acquireShared<T>(
  name: string,
  launch: () => Promise<Launched<T>>,
  healthy: (info: T) => Promise<boolean>,
): Promise<{ info: T; reused: boolean; release(): void }> {
  const dir = servicesDir();
  mkdirSync(dir, { recursive: true });
  const stateFile = join(dir, `${name}.json`);
  const lease = join(dir, `${name}.lease.${process.pid}`);
  return withLock(join(dir, `${name}.lock`), 15 * 60_000, async () => {
    const state = JSON.parse(readFileSafe(stateFile) || 'null') as State<T> | null;
    let reused = false;
    let info: T;
    if (state && alive(state.pid) && (await healthy(state.info).catch(() => false))) {
      info = state.info;
      reused = true;
      // a watchdog that died (machine reboot of the shell, OOM) would leave the server running forever
      if (!alive(state.watchdogPid)) writeFileSync(stateFile, JSON.stringify({ ...state, watchdogPid: startWatchdog(name, state, stateFile) }));
    } else {
      if (state && alive(state.pid)) stopGroup(state.pid); // alive but unhealthy: replace it
      const launched = await launch();
      const watchdogPid = startWatchdog(name, launched, stateFile);
      writeFileSync(stateFile, JSON.stringify({ ...launched, startedAt: new Date().toISOString(), watchdogPid } satisfies State<T>));
      info = launched.info;
    }
    writeFileSync(lease, '');
    return {
      info,
      reused,
      release() {
        rmSync(lease, { force: true });
        const now = new Date();
        writeFileSync(join(dir, `${name}.last-used`), '');
        utimesSync(join(dir, `${name}.last-used`), now, now);
        if (idleSeconds() === 0 && !liveLeases(dir, name).length) {
          const current = JSON.parse(readFileSafe(stateFile) || 'null') as State<T> | null;
          if (current) {
            stopGroup(current.pid);
            rmSync(stateFile, { force: true });
          }
        }
      },
    };
  });
}

function liveLeases(dir: string, name: string): number[] {
  return readdirSync(dir)
    .filter((f) => f.startsWith(`${name}.lease.`))
    .map((f) => Number(f.slice(`${name}.lease.`.length)))
    .filter((pid) => {
      if (alive(pid)) return true;
      rmSync(join(dir, `${name}.lease.${pid}`), { force: true });
      return false;
    });
}

function stopGroup(pid: number) {
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    /* gone */
  }
}

/**
 * A detached shell loop that stops the server when it has been idle long enough: no lease file of a living
 * process, and `last-used` older than the idle period. It also cleans up the server's folder and state file.
 */
function startWatchdog(name: string, launched: Launched<unknown>, stateFile: string): number {
  const dir = servicesDir();
  const script = `
    idle=${Math.max(60, idleSeconds())}; pg=${launched.pid}; touch "${dir}/${name}.last-used"
    while kill -0 "$pg" 2>/dev/null; do
      sleep 20
      busy=0
      for f in "${dir}/${name}".lease.*; do
        [ -e "$f" ] || continue
        if kill -0 "\${f##*.}" 2>/dev/null; then busy=1; else rm -f "$f"; fi
      done
      age=$(( $(date +%s) - $(stat -c %Y "${dir}/${name}.last-used" 2>/dev/null || date +%s) ))
      if [ "$busy" = 0 ] && [ "$age" -ge "$idle" ]; then
        kill -TERM -"$pg" 2>/dev/null; sleep 20; kill -KILL -"$pg" 2>/dev/null; break
      fi
    done
    grep -q '"pid":'"$pg"'[,}]' "${stateFile}" 2>/dev/null && rm -f "${stateFile}"
    rm -rf "${launched.dir}"`;
  const watchdog = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  watchdog.unref();
  return watchdog.pid ?? 0;
}
