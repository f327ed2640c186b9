import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The workspace root (commands run from there, as `npm start` and the services do). */
export const ROOT = join(import.meta.dirname, '..', '..', '..', '..');

/**
 * The last lines a child printed, for saying why it failed. Bounded: a service runs for the
 * whole bench and must not grow the bench's memory with its log.
 */
export class TailLog {
  private readonly lines: string[] = [];
  private partial = '';

  constructor(private readonly keep = 200) {}

  push(chunk: string): string[] {
    const parts = (this.partial + chunk).split('\n');
    this.partial = parts.pop() ?? '';
    for (const line of parts) {
      this.lines.push(line);
      if (this.lines.length > this.keep) this.lines.shift();
    }
    return parts;
  }

  text(): string {
    return [...this.lines, this.partial].join('\n');
  }
}

/** CPU time (user + system, ms) a process has used so far, from /proc; undefined where there is none. */
export const cpuMsOf = (pid: number | undefined, statFile = `/proc/${pid}/stat`): number | undefined => {
  if (pid === undefined) return undefined;
  try {
    // Fields after the parenthesised command name: state is field 3, utime 14 and stime 15 (clock ticks, 100/s on Linux).
    const stat = readFileSync(statFile, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
};

/** CPU time (user + system, ms) of each thread of a process so far, by thread id, from /proc; empty where there is none. */
export const threadCpuMsOf = (pid: number | undefined): Map<number, number> => {
  const threads = new Map<number, number>();
  if (pid === undefined) return threads;
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return threads;
  }
  for (const tid of tids) {
    const ms = cpuMsOf(Number(tid), `/proc/${pid}/task/${tid}/stat`);
    if (ms !== undefined) threads.set(Number(tid), ms);
  }
  return threads;
};

export interface Child {
  child: ChildProcess;
  log: TailLog;
  /** Calls `listener` with each later stdout line; returns the unsubscribe. */
  onLine(listener: (line: string) => void): () => void;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/**
 * Starts `node --import tsx <entry>` from the workspace root (as tools/e2e does: signals then
 * reach the program itself, not the tsx CLI's relay); a `.mjs` entry (the `govern` launcher) runs
 * without tsx, as `npm run govern` runs it.
 */
export const startNodeProgram = (entry: string, args: string[], env: NodeJS.ProcessEnv, nodeFlags: string[] = []): Child => {
  const loader = entry.endsWith('.mjs') ? [] : ['--import', 'tsx'];
  const child = spawn(process.execPath, [...nodeFlags, ...loader, entry, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = new TailLog();
  const listeners = new Set<(line: string) => void>();
  child.stdout?.on('data', (chunk: Buffer) => {
    for (const line of log.push(chunk.toString())) for (const listener of listeners) listener(line);
  });
  child.stderr?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    log,
    exited,
    onLine(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const force = setTimeout(() => child.kill('SIGKILL'), 20_000);
      force.unref();
      await exited;
      clearTimeout(force);
    },
  };
};

/** Waits until `ready` returns a value for a stdout line, the child exits, or the bound passes. */
export const waitForLine = <T>(program: Child, ready: (line: string) => T | undefined, what: string, boundMs = 120_000): Promise<T> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`${what} did not start within ${boundMs / 1000} s:\n${program.log.text()}`));
    }, boundMs);
    const unsubscribe = program.onLine((line) => {
      const value = ready(line);
      if (value === undefined) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(value);
    });
    void program.exited.then((code) => {
      clearTimeout(timer);
      unsubscribe();
      reject(new Error(`${what} exited with ${code} before it was ready:\n${program.log.text()}`));
    });
  });
