import { execFile, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { promisify } from 'node:util';

/** Small helpers for running real servers (Keycloak, n8n) as child processes of a test run. */

/** A free TCP port on 127.0.0.1 (the OS picks; the tiny window until the server binds is accepted). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function runCommand(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<string> {
  const { stdout } = await promisify(execFile)(command, args, {
    env: options.env ?? process.env,
    cwd: options.cwd,
    timeout: options.timeoutMs ?? 120_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

export interface RunningProcess {
  name: string;
  pid: number;
  logFile: string;
  /** set once the process has exited */
  exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  logTail(lines?: number): string;
  /** SIGTERM to the process group, SIGKILL after the grace period; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

export function startProcess(spec: {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
  logFile: string;
}): RunningProcess {
  const log = openSync(spec.logFile, 'a');
  // detached: the child leads its own process group, so stop() also ends grandchildren (n8n's task runner,
  // the JVM behind kc.sh) and nothing outlives the test run.
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: { ...process.env, ...spec.env },
    stdio: ['ignore', log, log],
    detached: true,
  });
  closeSync(log);
  // never keep the test process alive for the server's sake; stop() waits for the exit explicitly
  child.unref();
  if (child.pid === undefined) throw new Error(`${spec.name} did not start (${spec.command})`);
  const pid = child.pid;
  const exitedPromise = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      running.exited = { code, signal };
      resolve();
    }),
  );
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      /* already gone */
    }
  };
  const running: RunningProcess = {
    name: spec.name,
    pid,
    logFile: spec.logFile,
    exited: undefined,
    logTail(lines = 30) {
      try {
        return readFileSync(spec.logFile, 'utf8').split('\n').slice(-lines).join('\n');
      } catch {
        return '(no log)';
      }
    },
    async stop(graceMs = 15_000) {
      if (running.exited) return;
      signalGroup('SIGTERM');
      const killer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
      await exitedPromise;
      clearTimeout(killer);
    },
  };
  return running;
}

/** Polls `probe` every 500 ms until it is true; fails at the deadline or as soon as the process dies. */
export async function waitUntil(what: string, timeoutMs: number, proc: RunningProcess, probe: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exited) {
      throw new Error(
        `${proc.name} exited (code ${proc.exited.code}, signal ${proc.exited.signal}) before ${what} was ready; log ${proc.logFile}:\n${proc.logTail()}`,
      );
    }
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what} not ready after ${timeoutMs} ms; log ${proc.logFile}:\n${proc.logTail()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
