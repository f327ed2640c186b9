import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../../..');

/** Runs `body` in a process of its own (`log` is a createLogger logger); returns the lines it printed. */
const linesOf = (body: string): Record<string, unknown>[] => {
  const script = `import { createLogger } from './libs/platform/core/src/logger.ts';\nconst log = createLogger({ service: 'logger-spec' });\n${body}`;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return run.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
};

describe('createLogger', () => {
  // Lines are written in batches: what is still pending when the process ends must be written then.
  it('writes every line before the process exits, by process.exit, after a fatal error, or when it has nothing left to do', () => {
    const many = "for (let i = 0; i < 3; i++) log.info({ i }, 'line');";
    expect(linesOf(`${many}\nprocess.exit(0);`).map((line) => line['i'])).toEqual([0, 1, 2]);
    expect(linesOf(`${many}`).map((line) => line['i'])).toEqual([0, 1, 2]);
    const fatal = linesOf(
      `process.on('uncaughtException', (error) => { log.fatal({ err: error }, 'crashed'); process.exit(1); });\n${many}\nsetTimeout(() => { throw new Error('boom'); }, 5);`,
    );
    expect(fatal.map((line) => line['msg'])).toEqual(['line', 'line', 'line', 'crashed']);
  }, 180_000);

  it('censors sensitive fields', () => {
    const [line] = linesOf("log.info({ token: 'tok-secret', request: { idNumber: '11010119900307803X' } }, 'x');");
    expect(line).toMatchObject({ token: '[redacted]', request: { idNumber: '[redacted]' } });
  }, 60_000);
});
