import { afterAll, beforeAll } from 'vitest';
import { CascadeClock, serviceErrors } from './marketplace';
import { startPlatformProcesses, type PlatformUnderTest } from './platform-processes';

/**
 * The platform the five cross-service cascades of DESIGN.md run on, end to end: the four services
 * run as separate processes (real gRPC, PostgreSQL, NATS JetStream), every cascade is started and
 * observed only through the public gRPC APIs, and its final state is asserted in every service it
 * crosses (through their read APIs; through a read-only query only where no RPC exposes the
 * figure). Each step is polled until it holds and logs how long after the trigger it settled.
 *
 * Each cascade has a spec file of its own (`cascade-<n>-*.e2e.spec.ts`) that calls
 * `useCascadePlatform()` once: its file gets a platform of its own, with the consumer protection
 * fund's capital paid in.
 */

/** A test waits for one step (bound 30 s) plus its reads: failures then report the step that did not settle, not a test timeout. */
export const STEP_TIMEOUT_MS = 60_000;

/** The running platform of this test file, set by `useCascadePlatform`'s `beforeAll` (an ES module live binding). */
export let platform: PlatformUnderTest;

export const ma = () => platform.clients.merchantAccess;
export const pq = () => platform.clients.productQuality;
export const ct = () => platform.clients.content;
export const cx = () => platform.clients.consumerExperience;

/** The clock of a cascade's steps; a step that does not settle reports the services' errors with it. */
export const cascadeClock = (name: string): CascadeClock => new CascadeClock(name, () => serviceErrors(platform));

/** Starts the platform before the file's tests (before its own `beforeAll`s, which run after this one) and stops it after them. */
export const useCascadePlatform = (): void => {
  beforeAll(async () => {
    platform = await startPlatformProcesses();
    // The consumer protection fund's capital (the platform's yearly allocation).
    await cx().contributeToFund({ requestId: 'e2e-fund-capital', amountFen: 100_000_000n, paymentRef: 'e2e-fund-capital' });
  }, 300_000);

  afterAll(async () => {
    await platform?.stop();
  }, 60_000);
};
