import { afterAll, afterEach, beforeAll } from 'vitest';

/**
 * What a describe block tests, for the block's whole life: `start` runs before its tests and hands
 * what it started to `bind`, which names the parts the tests use (`(s) => ({ sut, client } = s)`);
 * `afterEach`, where given, checks an invariant after every test; `stop` runs after the tests,
 * passed or failed. One place for the setup every integration suite repeated.
 */
export const useForSuite = <Started extends { stop(): Promise<void> }>(
  start: () => Promise<Started>,
  bind: (started: Started) => void,
  options: { afterEach?: (started: Started) => Promise<void> } = {},
): void => {
  let started: Started | undefined;
  beforeAll(async () => {
    started = await start();
    bind(started);
  });
  const check = options.afterEach;
  if (check) afterEach(async () => started && check(started));
  afterAll(async () => started?.stop());
};
