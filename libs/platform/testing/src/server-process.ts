import type { ChildProcess } from 'node:child_process';

/**
 * Resolves once a server process the tests started writes `readyLine` to stderr; rejects with
 * what it wrote if it exits first or stays silent past `timeoutMs` (`what` names it).
 */
export const untilReady = (proc: ChildProcess, what: string, readyLine: string, timeoutMs: number): Promise<void> =>
  new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not become ready:\n${output}`)), timeoutMs);
    proc.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(readyLine)) {
        clearTimeout(timer);
        resolve();
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}):\n${output}`));
    });
  });

/** Sends `signal` and resolves once the process has exited; at once when it is not running. */
export const stopProcess = async (proc: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> => {
  if (!proc || proc.exitCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill(signal);
  await exited;
};
