import { setTimeout as sleep } from 'node:timers/promises';

/** Polls until `check` returns true (or a truthy value), failing with `what` after `timeoutMs`. */
export const eventually = async (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`);
    await sleep(20);
  }
};

export { sleep };

/** The element at `index`, failing the test when it is missing (instead of a non-null assertion). */
export const nth = <T>(list: readonly T[], index: number): T => {
  const item = list[index];
  if (item === undefined) throw new Error(`expected an element at ${index}, have ${list.length}`);
  return item;
};

/** The value, failing the test when it is missing. */
export const present = <T>(value: T | undefined | null, what = 'value'): T => {
  if (value === undefined || value === null) throw new Error(`expected ${what} to be present`);
  return value;
};
