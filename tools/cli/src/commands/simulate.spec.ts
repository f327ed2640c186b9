import { describe, expect, it } from 'vitest';
import { UsageError } from '../usage-error';
import { parseSimulateOptions } from './simulate';

describe('govern simulate options', () => {
  it('defaults to seed 1 at small scale, 16 calls in flight', () => {
    expect(parseSimulateOptions({})).toEqual({
      seed: 1,
      scale: 'small',
      orders: 1_500,
      concurrency: 16,
      idPrefix: undefined,
      settleTimeoutMs: 60_000,
      json: false,
      quiet: false,
    });
  });

  it('takes a scale or an order count, not both', () => {
    expect(parseSimulateOptions({ scale: 'demo' })).toMatchObject({ scale: 'demo', orders: 300 });
    expect(parseSimulateOptions({ scale: 'large' }).orders).toBeGreaterThanOrEqual(10_000);
    expect(parseSimulateOptions({ orders: '12000' })).toMatchObject({ scale: 'custom', orders: 12_000, settleTimeoutMs: 120_000 });
    expect(() => parseSimulateOptions({ scale: 'demo', orders: '10' })).toThrow(UsageError);
    expect(() => parseSimulateOptions({ scale: 'huge' })).toThrow(/demo, small, medium, large/);
  });

  it('refuses values that are not what they should be', () => {
    expect(() => parseSimulateOptions({ seed: 'one' })).toThrow(/--seed: not a whole number/);
    expect(() => parseSimulateOptions({ seed: '-1' })).toThrow(UsageError);
    expect(() => parseSimulateOptions({ orders: '0' })).toThrow(/--orders: must be between 1/);
    expect(() => parseSimulateOptions({ concurrency: '0' })).toThrow(/--concurrency/);
    expect(() => parseSimulateOptions({ 'id-prefix': 'a b' })).toThrow(/--id-prefix/);
    expect(parseSimulateOptions({ seed: '42', concurrency: '4', 'id-prefix': 'run-2' })).toMatchObject({ seed: 42, concurrency: 4, idPrefix: 'run-2' });
  });
});
