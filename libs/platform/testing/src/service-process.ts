import { spawn, type ChildProcess } from 'node:child_process';
import { HealthCheckResponse_ServingStatus, HealthDefinition } from '@govern/contracts-common';
import type { ClientTransport } from '@govern/platform-auth';
import { closeServiceClient, createServiceClient } from '@govern/platform-grpc';

/** A deployable running as its own process, as its team runs it. */
export interface ServiceProcess {
  child: ChildProcess;
  /** HOST:PORT from the service's "serving" log line. */
  address: string;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** SIGTERM (the graceful drain), SIGKILL if it is still running `killAfterMs` later; resolves with the exit code. */
  stop(killAfterMs?: number): Promise<number | null>;
}

/**
 * Starts `entry` (an app's `src/main.ts`) in `cwd` and resolves once it logs `"msg":"serving"`;
 * rejects with its output if it exits first or takes longer than `timeoutMs`. `node --import tsx`
 * rather than the tsx CLI: signals reach the service itself (the CLI relays them through a short
 * handshake that a busy machine can miss), so a SIGTERM tests the real drain.
 */
export const startServiceProcess = (options: { cwd: string; entry: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<ServiceProcess> =>
  new Promise((resolve, reject) => {
    const timeoutMs = options.timeoutMs ?? 90_000;
    const child = spawn(process.execPath, ['--import', 'tsx', options.entry], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const output: string[] = [];
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    const stop = async (killAfterMs = 15_000): Promise<number | null> => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${options.entry} did not serve within ${timeoutMs} ms:\n${output.join('')}`));
    }, timeoutMs);
    let pending = '';
    child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      output.push(text);
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      const serving = lines.find((line) => line.includes('"msg":"serving"'));
      if (serving) {
        clearTimeout(timer);
        resolve({ child, address: (JSON.parse(serving) as { address: string }).address, output: () => output.join(''), stop });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${options.entry} exited with ${code} before serving:\n${output.join('')}`));
    });
  });

/** The grpc.health.v1 status a server at `address` reports for `service` ('' = the server as a whole). */
export const healthOf = async (address: string, service = '', transport: ClientTransport = { mode: 'plaintext' }): Promise<HealthCheckResponse_ServingStatus> => {
  // Health is open to anyone: TLS (trusting the service's CA) but no token.
  const health = createServiceClient(HealthDefinition, address, { defaultDeadlineMs: 5_000, transport });
  try {
    return (await health.check({ service })).status;
  } finally {
    closeServiceClient(health);
  }
};
