import { afterEach, describe, expect, it, vi } from 'vitest';
import { runUntilSignal } from './run-until-signal';
import { memoryLogger } from './test-service.fixture';

// A signal nothing else in the test process listens to; delivered with process.emit.
const SIGNAL = 'SIGUSR2' as const;

const disposers: Array<() => void> = [];
afterEach(() => disposers.splice(0).forEach((dispose) => dispose()));

const setup = (shutdown: () => Promise<void>) => {
  const { logger, lines } = memoryLogger();
  let exited!: (code: number) => void;
  const exitCode = new Promise<number>((resolve) => (exited = resolve));
  const server = { shutdown: vi.fn(shutdown) };
  disposers.push(runUntilSignal(server, logger, { signals: [SIGNAL], exit: (code) => exited(code) }));
  return { server, lines, exitCode };
};

describe('runUntilSignal', () => {
  it('shuts down once on the signal and exits 0', async () => {
    const { server, lines, exitCode } = setup(async () => undefined);
    process.emit(SIGNAL, SIGNAL);
    expect(await exitCode).toBe(0);
    expect(server.shutdown).toHaveBeenCalledTimes(1);
    expect(lines.map((line) => line.msg)).toEqual(['signal received: shutting down', 'exiting 0']);
  });

  it('exits 1 when shutdown fails', async () => {
    const { exitCode, lines } = setup(async () => {
      throw new Error('db would not close');
    });
    process.emit(SIGNAL, SIGNAL);
    expect(await exitCode).toBe(1);
    expect(lines.at(-1)).toMatchObject({ msg: 'shutdown failed: exiting 1', err: { message: 'db would not close' } });
  });

  it('a second signal during shutdown exits 1 at once, without a second shutdown', async () => {
    const { server, exitCode } = setup(() => new Promise(() => undefined));
    process.emit(SIGNAL, SIGNAL);
    process.emit(SIGNAL, SIGNAL);
    expect(await exitCode).toBe(1);
    expect(server.shutdown).toHaveBeenCalledTimes(1);
  });

  it('removes its handlers when disposed', () => {
    const before = process.listenerCount(SIGNAL);
    setup(async () => undefined);
    expect(process.listenerCount(SIGNAL)).toBe(before + 1);
    disposers.splice(0).forEach((dispose) => dispose());
    expect(process.listenerCount(SIGNAL)).toBe(before);
  });
});
