import { describe, expect, it } from 'vitest';
import { ActorKind } from '@govern/contracts-common';
import { createShadowSettingsCache } from './shadow-cache';
import type { ShadowSetting } from './store/shadow-settings.store';

const setting = (candidateVersion: string): ShadowSetting => ({
  kind: 'toy-refund',
  candidateVersion,
  enabled: true,
  note: '',
  changedAt: new Date(0),
  changedBy: { subject: 'alice', kind: ActorKind.ACTOR_KIND_PERSON, roles: [], service: '' },
});

describe('shadow settings cache', () => {
  it('serves from memory, refreshes in the background once stale, and reloads at once after invalidate', async () => {
    let clock = 0;
    let loads = 0;
    let version = 'v2';
    let release: () => void = () => undefined;
    let gate: Promise<void> = Promise.resolve();
    const cache = createShadowSettingsCache({
      load: async () => {
        loads++;
        await gate;
        return [setting(version)];
      },
      refreshMs: 1000,
      log: { warn: () => undefined },
      now: () => clock,
    });
    expect((await cache.current('toy-refund'))?.candidateVersion).toBe('v2');
    expect(await cache.current('other')).toBeUndefined();
    expect(loads).toBe(1);

    version = 'v3';
    clock = 1000;
    gate = new Promise((resolve) => (release = resolve));
    // Stale: answered from memory at once while the refresh runs.
    expect((await cache.current('toy-refund'))?.candidateVersion).toBe('v2');
    expect(loads).toBe(2);
    release();
    await gate;
    await new Promise((resolve) => setImmediate(resolve));
    expect((await cache.current('toy-refund'))?.candidateVersion).toBe('v3');

    version = 'v4';
    cache.invalidate();
    expect((await cache.current('toy-refund'))?.candidateVersion).toBe('v4');
  });

  it('decides without shadow when the settings cannot be read', async () => {
    const warnings: unknown[] = [];
    const cache = createShadowSettingsCache({
      load: () => Promise.reject(new Error('database down')),
      refreshMs: 1000,
      log: { warn: (...args: unknown[]) => void warnings.push(args) },
    });
    expect(await cache.current('toy-refund')).toBeUndefined();
    expect(warnings.length).toBeGreaterThan(0);
  });
});
