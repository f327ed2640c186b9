/**
 * Progress of a long run on stderr: a redrawn bar when stderr is a terminal, plain periodic
 * lines otherwise (CI logs, pipes), nothing when silenced. stdout stays free for the summary.
 */
export interface Progress {
  /** A new phase of the run. */
  phase(name: string): void;
  /** `n` calls done. */
  tick(n?: number): void;
  /** A one-off note (a wait, a warning), on its own line. */
  note(message: string): void;
  /** Clears the bar (a terminal) before the summary is printed. */
  done(): void;
}

export interface ProgressStream {
  isTTY?: boolean | undefined;
  columns?: number | undefined;
  write(chunk: string): unknown;
}

const nothing = (): void => undefined;
export const silentProgress: Progress = { phase: nothing, tick: nothing, note: nothing, done: nothing };

const formatSeconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

/** Bar for a terminal, periodic lines otherwise. `now` is injectable for tests. */
export const createProgress = (
  stream: ProgressStream,
  total: number,
  options: { now?: () => number; lineEveryMs?: number; redrawEveryMs?: number } = {},
): Progress => {
  const now = options.now ?? Date.now;
  const started = now();
  const tty = Boolean(stream.isTTY);
  let done = 0;
  let phase = 'starting';
  let lastDraw = 0;
  let lastLine = 0;
  let lastLinePercent = -1;

  const percent = (): number => (total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 100);
  const eta = (): string => {
    const elapsed = now() - started;
    if (done === 0 || done >= total) return '';
    return `  ETA ${formatSeconds((elapsed / done) * (total - done))}`;
  };
  const draw = (force = false): void => {
    const t = now();
    if (tty) {
      if (!force && t - lastDraw < (options.redrawEveryMs ?? 100)) return;
      lastDraw = t;
      const width = Math.max(10, Math.min(30, (stream.columns ?? 80) - 60));
      const filled = Math.round((percent() / 100) * width);
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      stream.write(`\r\x1b[2K${phase.padEnd(14)} ${bar} ${String(percent()).padStart(3)}%  ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} calls  ${formatSeconds(t - started)}${eta()}`);
      return;
    }
    const p = percent();
    // A line every lineEveryMs, or at each 10% step, whichever comes first.
    if (!force && t - lastLine < (options.lineEveryMs ?? 5_000) && Math.floor(p / 10) === Math.floor(lastLinePercent / 10)) return;
    lastLine = t;
    lastLinePercent = p;
    stream.write(`simulate: ${phase} ${p}% (${done}/${total} calls, ${formatSeconds(t - started)})\n`);
  };

  return {
    phase(name) {
      phase = name;
      if (tty) draw(true);
      else stream.write(`simulate: ${name}\n`);
    },
    tick(n = 1) {
      done += n;
      draw();
    },
    note(message) {
      if (tty) stream.write(`\r\x1b[2K${message}\n`);
      else stream.write(`simulate: ${message}\n`);
      if (tty) draw(true);
    },
    done() {
      if (tty) stream.write('\r\x1b[2K');
      else stream.write(`simulate: done (${done} calls, ${formatSeconds(now() - started)})\n`);
    },
  };
};
