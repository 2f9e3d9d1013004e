import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { connect } from 'node:net';
import { basename, join } from 'node:path';

/**
 * Background processes of the local stack, each known by a pid file in .stack/run.
 * `stop` signals exactly the pid it recorded (checked against /proc so a reused pid is
 * never killed), never a process found by name.
 */
export class Processes {
  constructor(stateDir) {
    this.runDir = join(stateDir, 'run');
    this.logDir = join(stateDir, 'logs');
    mkdirSync(this.runDir, { recursive: true });
    mkdirSync(this.logDir, { recursive: true });
  }

  pidFile(name) {
    return join(this.runDir, `${name}.pid`);
  }

  logFile(name) {
    return join(this.logDir, `${name}.log`);
  }

  /** The recorded pid if that process still runs the recorded command, else undefined. */
  running(name) {
    const file = this.pidFile(name);
    if (!existsSync(file)) return undefined;
    const { pid, command } = JSON.parse(readFileSync(file, 'utf8'));
    try {
      // Servers may retitle themselves ("nginx: master process …"), so match the program's name.
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];
      if (cmdline.includes(basename(command)) && state !== 'Z') return pid;
    } catch {
      // no such process
    }
    rmSync(file, { force: true });
    return undefined;
  }

  start(name, command, args, { env, cwd, user } = {}) {
    const log = openSync(this.logFile(name), 'a');
    writeFileSync(log, `\n--- ${new Date().toISOString()} starting ${name}\n`);
    // setpriv execs in place, so the pid we record is the server's own.
    const [file, argv] = user
      ? ['setpriv', [`--reuid=${user}`, `--regid=${user}`, '--init-groups', '--', command, ...args]]
      : [command, args];
    const child = spawn(file, argv, { cwd, env, detached: true, stdio: ['ignore', log, log] });
    closeSync(log);
    child.unref();
    writeFileSync(this.pidFile(name), JSON.stringify({ pid: child.pid, command }));
    return child.pid;
  }

  /** Signals the recorded process and waits for it to exit; SIGKILL after `timeoutMs`. */
  async stop(name, { signal = 'SIGTERM', timeoutMs = 20_000 } = {}) {
    const pid = this.running(name);
    if (!pid) return false;
    process.kill(pid, signal);
    const deadline = Date.now() + timeoutMs;
    while (this.running(name)) {
      if (Date.now() > deadline) {
        process.kill(pid, 'SIGKILL');
        await sleep(200);
        break;
      }
      await sleep(100);
    }
    rmSync(this.pidFile(name), { force: true });
    return true;
  }
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function portOpen(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.once('connect', () => socket.end(() => resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

export async function httpOk(url) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return response.ok;
  } catch {
    return false;
  }
}

/** Waits until `probe` is true; gives up after `timeoutMs` naming the log to read. */
export async function waitUntil(what, probe, timeoutMs, { log, alive } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    if (alive && !alive()) throw new Error(`${what} exited during start-up; see ${log}`);
    await sleep(250);
  }
  throw new Error(`${what} not ready after ${timeoutMs / 1000} s; see ${log}`);
}
