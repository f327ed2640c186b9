import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Built artifacts as a deploy runs them: a copy of dist/apps/<service> alone in a temp
 * folder, installed with `npm ci --omit=dev`, started with plain `node`. The build test uses
 * it, and so can tests that run several replicas of a service from its artifact.
 */
export interface InstalledArtifact {
  dir: string;
  remove(): void;
}

export const installArtifact = (distDir: string): InstalledArtifact => {
  const dir = mkdtempSync(join(tmpdir(), 'govern-artifact-'));
  cpSync(distDir, dir, { recursive: true });
  const install = spawnSync('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8', timeout: 180_000 });
  if (install.status !== 0) throw new Error(`npm ci failed in ${dir}:\n${install.stdout}\n${install.stderr}`);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
};

/** The environment of an artifact: only what is given, so nothing leaks in from the workspace. */
const artifactEnv = (env: Record<string, string>): NodeJS.ProcessEnv => ({ PATH: process.env['PATH'], HOME: process.env['HOME'], ...env });

export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a one-shot command of an artifact (`migrate`, the health probe) to completion. */
export const runArtifactCommand = (dir: string, args: readonly string[], env: Record<string, string> = {}): Promise<CommandResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...args], { cwd: dir, env: artifactEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
  });

export interface RunningArtifact {
  /** host:port from the service's "serving" log line. */
  address: string;
  child: ChildProcess;
  /** Everything the process wrote to stdout so far (JSON log lines). */
  output(): string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
}

/** Starts `node main.js` and resolves once it logs that it is serving. */
export const startArtifact = (dir: string, env: Record<string, string>, options: { timeoutMs?: number } = {}): Promise<RunningArtifact> => {
  const child = spawn(process.execPath, ['--enable-source-maps', 'main.js'], { cwd: dir, env: artifactEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no "serving" log line within ${options.timeoutMs ?? 60_000} ms\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 60_000);
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      for (const line of stdout.split('\n')) {
        if (!line.includes('"msg":"serving"')) continue;
        clearTimeout(timer);
        resolve({ address: (JSON.parse(line) as { address: string }).address, child, output: () => stdout, exited });
        return;
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before serving\n${stdout}\n${stderr}`));
    });
  });
};
