import { describe, expect, it } from 'vitest';
import { createProgress } from './progress';

const stream = (isTTY: boolean) => {
  const chunks: string[] = [];
  return { isTTY, columns: 100, chunks, write: (chunk: string) => chunks.push(chunk) };
};

describe('progress on stderr', () => {
  it('redraws one bar line in place on a terminal', () => {
    let now = 0;
    const out = stream(true);
    const progress = createProgress(out, 200, { now: () => now });
    progress.phase('orders');
    for (let i = 0; i < 100; i++) {
      now += 50;
      progress.tick();
    }
    const last = out.chunks[out.chunks.length - 1] as string;
    expect(last.startsWith('\r')).toBe(true);
    expect(last).not.toContain('\n');
    expect(last).toMatch(/orders\s+█+░+\s+50%\s+100\/200 calls\s+5\.0s\s+ETA 5\.0s/);
    // At most one redraw per 100 ms, not one per call.
    expect(out.chunks.length).toBeLessThan(60);
    progress.done();
    expect(out.chunks[out.chunks.length - 1]).toBe('\r\x1b[2K');
  });

  it('writes plain lines now and then when stderr is not a terminal', () => {
    let now = 0;
    const out = stream(false);
    const progress = createProgress(out, 1_000, { now: () => now, lineEveryMs: 5_000 });
    progress.phase('orders');
    for (let i = 0; i < 1_000; i++) {
      now += 10;
      progress.tick();
    }
    progress.done();
    expect(out.chunks.every((c) => c.endsWith('\n') && !c.includes('\r'))).toBe(true);
    expect(out.chunks[0]).toBe('simulate: orders\n');
    // Ten 10% steps over ten seconds: about ten lines, not a thousand.
    expect(out.chunks.length).toBeGreaterThan(5);
    expect(out.chunks.length).toBeLessThan(20);
    expect(out.chunks[out.chunks.length - 1]).toBe('simulate: done (1000 calls, 10.0s)\n');
  });
});
