import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { SERVICE_NAMES, serviceKey } from '@govern/contracts-common';
import type { PlatformAddresses } from '@govern/platform-clients';

/** Runs the `govern` CLI as a user does (tools/cli/src/main.ts through tsx), in a child process. */
const root = join(import.meta.dirname, '..', '..', '..');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The address flags every command takes, pointing at the platform under test. */
export const addressArgs = (addresses: PlatformAddresses): string[] => SERVICE_NAMES.flatMap((name) => [`--${name}`, addresses[serviceKey(name)]]);

/**
 * `govern <args>`: resolves with the exit code and output (never rejects on a non-zero exit, so
 * the test can say what the CLI printed). `echoStderr` passes its progress lines through.
 */
export const runGovern = (args: string[], options: { timeoutMs: number; echoStderr?: boolean; env?: Record<string, string> }): Promise<CliRun> =>
  new Promise((resolve, reject) => {
    const started = Date.now();
    // `node --import tsx`, not the tsx CLI: the tsx CLI runs the program in a child of its own, which
    // a SIGKILL of the CLI at the timeout would leave running (still calling the platform).
    const child = spawn(process.execPath, ['--import', 'tsx', 'tools/cli/src/main.ts', ...args], { cwd: root, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr.push(chunk);
      if (options.echoStderr) process.stderr.write(chunk);
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`govern ${args[0] ?? ''} did not finish within ${options.timeoutMs} ms:\n${Buffer.concat(stderr).toString()}`));
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString(), ms: Date.now() - started });
    });
  });
