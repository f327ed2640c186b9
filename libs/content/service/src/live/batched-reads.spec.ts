import { describe, expect, it } from 'vitest';
import { BatchedReads } from './batched-reads';

/** A read that records the ids of each call and answers those it knows, after `release()` when held. */
const recordingRead = (known: Record<string, string>) => {
  const calls: string[][] = [];
  let held: (() => void) | undefined;
  let hold = false;
  const read = async (ids: string[]): Promise<ReadonlyMap<string, string>> => {
    calls.push(ids);
    if (hold) await new Promise<void>((resolve) => (held = resolve));
    return new Map(ids.filter((id) => id in known).map((id) => [id, known[id] as string]));
  };
  return {
    read,
    calls,
    holdNext: () => (hold = true),
    release: () => {
      hold = false;
      held?.();
    },
  };
};

describe('BatchedReads', () => {
  it('reads the ids asked for in the same turn in one call, and answers undefined for those not found', async () => {
    const r = recordingRead({ a: 'A', b: 'B' });
    const reads = new BatchedReads(r.read);
    const answers = await Promise.all([reads.get('a'), reads.get('b'), reads.get('missing'), reads.get('a')]);
    expect(answers).toEqual(['A', 'B', undefined, 'A']);
    expect(r.calls).toEqual([['a', 'b', 'missing']]);
  });

  it('keeps one read under way: ids asked for meanwhile go together in the next one', async () => {
    const r = recordingRead({ a: 'A', b: 'B', c: 'C' });
    const reads = new BatchedReads(r.read);
    r.holdNext();
    const first = reads.get('a');
    await new Promise((resolve) => setImmediate(resolve));
    const later = [reads.get('b'), reads.get('c')];
    await new Promise((resolve) => setImmediate(resolve));
    expect(r.calls).toEqual([['a']]);
    r.release();
    expect(await Promise.all([first, ...later])).toEqual(['A', 'B', 'C']);
    expect(r.calls).toEqual([['a'], ['b', 'c']]);
  });

  it('splits more ids than maxBatch over several reads', async () => {
    const r = recordingRead({});
    const reads = new BatchedReads(r.read, 2);
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((id) => reads.get(id)));
    expect(r.calls).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('fails the waiters of a read that failed, and reads again for the next ones', async () => {
    let fail = true;
    const reads = new BatchedReads(async (ids: string[]) => {
      if (fail) throw new Error('connection lost');
      return new Map(ids.map((id) => [id, id.toUpperCase()]));
    });
    await expect(reads.get('a')).rejects.toThrow('connection lost');
    fail = false;
    expect(await reads.get('a')).toBe('A');
  });
});
