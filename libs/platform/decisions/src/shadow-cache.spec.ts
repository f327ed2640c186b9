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

const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('shadow settings cache', () => {
  it('answers from memory only, refreshing in the background once stale', async () => {
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
    await cache.reload();
    expect(cache.current('toy-refund')?.candidateVersion).toBe('v2');
    expect(cache.current('other')).toBeUndefined();
    expect(loads).toBe(1);

    version = 'v3';
    clock = 1000;
    gate = new Promise((resolve) => (release = resolve));
    // Stale: answered from memory at once while the refresh runs; no second refresh meanwhile.
    expect(cache.current('toy-refund')?.candidateVersion).toBe('v2');
    expect(cache.current('toy-refund')?.candidateVersion).toBe('v2');
    expect(loads).toBe(2);
    release();
    await settle();
    expect(cache.current('toy-refund')?.candidateVersion).toBe('v3');
  });

  it('never waits for a first load: without settings in memory it decides without shadow and loads in the background', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const cache = createShadowSettingsCache({
      load: async () => {
        await gate;
        return [setting('v2')];
      },
      refreshMs: 1000,
      log: { warn: () => undefined },
    });
    expect(cache.current('toy-refund')).toBeUndefined();
    release();
    await settle();
    expect(cache.current('toy-refund')?.candidateVersion).toBe('v2');
  });

  it('applies a committed change at once, and drops a load that started before it', async () => {
    let release: () => void = () => undefined;
    let gate: Promise<void> = Promise.resolve();
    let stored = 'v2';
    const cache = createShadowSettingsCache({
      load: async () => {
        const read = stored;
        await gate;
        return [setting(read)];
      },
      refreshMs: 0,
      log: { warn: () => undefined },
    });
    await cache.reload();
    gate = new Promise((resolve) => (release = resolve));
    // refreshMs 0: this read starts a load, which reads v2 before the change commits.
    expect(cache.current('toy-refund')?.candidateVersion).toBe('v2');
    stored = 'v5';
    cache.applied(setting('v5'));
    release();
    await settle();
    expect(cache.current('toy-refund')?.candidateVersion).toBe('v5');
  });

  it('decides without shadow when the settings cannot be read', async () => {
    const warnings: unknown[] = [];
    const cache = createShadowSettingsCache({
      load: () => Promise.reject(new Error('database down')),
      refreshMs: 1000,
      log: { warn: (...args: unknown[]) => void warnings.push(args) },
    });
    await cache.reload();
    expect(cache.current('toy-refund')).toBeUndefined();
    expect(warnings.length).toBeGreaterThan(0);
  });
});
