import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HealthCheckResponse_ServingStatus } from '@govern/contracts-common';
import { healthOf } from '@govern/platform-testing';
import { SERVICE_NAMES, startPlatformProcesses, type PlatformUnderTest } from './platform-processes';

describe('the platform as one process per service', () => {
  let platform: PlatformUnderTest;
  beforeAll(async () => {
    platform = await startPlatformProcesses();
  }, 120_000);
  afterAll(async () => {
    await platform?.stop();
  }, 60_000);

  it('every service is SERVING on its own address', async () => {
    const addresses = Object.values(platform.addresses);
    expect(new Set(addresses).size).toBe(SERVICE_NAMES.length);
    for (const address of addresses) expect(await healthOf(address, '', platform.transport)).toBe(HealthCheckResponse_ServingStatus.SERVING);
  });
});
