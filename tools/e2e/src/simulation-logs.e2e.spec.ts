import { SERVICE_NAMES } from '@govern/contracts-common';
import { findSensitiveData, formatFindings } from '@govern/platform-observability';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressArgs, runGovern } from './govern-cli';
import { startPlatformProcesses, TEST_IDENTITY_HASH_KEY, type PlatformUnderTest } from './platform-processes';

/**
 * Issue 14, logs: a whole `govern simulate` run (merchants applying with licence codes, legal
 * representatives' ID numbers, bank accounts and phones; buyers, refunds, complaints, removed
 * merchants' rings re-applying) against the services as separate processes, logging at info.
 * Nothing any service printed may hold an identity number, a card or account number, a phone,
 * a credential or the identity hash key; and every line written inside a call or a consumed
 * event names its trace.
 */
const SCALE = 'small';
const SIMULATE_TIMEOUT_MS = 15 * 60_000;

let platform: PlatformUnderTest;
let logs: { service: string; text: string }[];

beforeAll(async () => {
  platform = await startPlatformProcesses();
  const run = await runGovern(['simulate', '--seed', '3', '--scale', SCALE, '--json', '--quiet', ...addressArgs(platform.addresses)], { timeoutMs: SIMULATE_TIMEOUT_MS, env: platform.cliEnv });
  if (run.code !== 0) throw new Error(`govern simulate exited with ${run.code}:\n${run.stderr.slice(-4_000)}`);
  const summary = JSON.parse(run.stdout) as { calls: number; settle: { settled: boolean } };
  console.log(`govern simulate --scale ${SCALE}: ${summary.calls} calls in ${(run.ms / 1_000).toFixed(0)} s (settled: ${summary.settle.settled})`);
  logs = SERVICE_NAMES.map((service) => ({ service, text: platform.logs(service) }));
}, SIMULATE_TIMEOUT_MS + 180_000);

afterAll(async () => {
  await platform?.stop();
}, 60_000);

describe(`the services' logs of a govern simulate run (${SCALE})`, () => {
  it('hold no identity number, licence code, card or account number, phone, credential or secret', () => {
    for (const { service, text } of logs) {
      expect(text.length, `${service} logged`).toBeGreaterThan(1_000);
      const findings = findSensitiveData(text, { known: [TEST_IDENTITY_HASH_KEY] });
      expect(findings, `${service}:\n${formatFindings(findings.slice(0, 20))}`).toEqual([]);
    }
  });

  it('name the trace and span on every line written inside a call or a consumed event', () => {
    let inside = 0;
    for (const { service, text } of logs) {
      for (const raw of text.split('\n')) {
        if (!raw.startsWith('{')) continue;
        const line = JSON.parse(raw) as Record<string, unknown>;
        // `rpc finished` closes every call; handler lines of a consumed event carry its event_id.
        if (line['msg'] !== 'rpc finished' && typeof line['event_id'] !== 'string') continue;
        inside++;
        expect(line['trace_id'], `${service}: ${raw.slice(0, 300)}`).toMatch(/^[0-9a-f]{32}$/);
        expect(line['span_id'], `${service}: ${raw.slice(0, 300)}`).toMatch(/^[0-9a-f]{16}$/);
      }
    }
    // Every call but the quiet ones (health, reflection) ends with an info `rpc finished` line.
    expect(inside).toBeGreaterThan(0);
  });
});
