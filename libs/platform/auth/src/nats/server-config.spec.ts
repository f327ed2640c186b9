import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GOVERN_EVENT_TOPOLOGY, opsPermissions, permissionsOf } from './event-topology';
import { renderNatsServerConfig } from './server-config';

const COMMITTED = join(import.meta.dirname, '..', '..', '..', '..', '..', 'deploy', 'nats', 'govern.conf');

describe('the NATS server configuration', () => {
  it('deploy/nats/govern.conf is what the topology renders (regenerate: npx tsx deploy/nats/render-config.ts > deploy/nats/govern.conf)', () => {
    expect(readFileSync(COMMITTED, 'utf8')).toBe(renderNatsServerConfig());
  });

  it('lets each service publish only under its own subject prefix, its own DLQ subjects and JetStream API subjects', () => {
    for (const topology of GOVERN_EVENT_TOPOLOGY) {
      const { publish, subscribe } = permissionsOf(topology);
      const events = publish.filter((subject) => subject.startsWith('govern.'));
      for (const subject of events) {
        expect(subject === `govern.${topology.service}.>` || topology.consumes.some((c) => subject === `govern.dlq.${c.stream}.${c.durable}`)).toBe(true);
      }
      expect(publish.filter((subject) => !subject.startsWith('govern.') && !subject.startsWith('$JS.'))).toEqual([]);
      expect(subscribe).toEqual([`_INBOX.${topology.service}.>`]);
    }
  });

  it('gives the operators’ user reading rights only: no event subject, no durable, no stream change', () => {
    const { publish, subscribe } = opsPermissions();
    expect(publish.filter((subject) => !subject.startsWith('$JS.API.'))).toEqual([]);
    expect(publish.filter((subject) => /\.(CREATE|UPDATE|DELETE|PURGE|MSG\.NEXT|MSG\.DELETE)\b/.test(subject))).toEqual([]);
    expect(publish).toContain('$JS.API.STREAM.MSG.GET.GOVERN_DLQ');
    expect(subscribe).toEqual(['_INBOX.ops.>']);
  });

  it('names every durable after its service, so one service can never take another’s', () => {
    for (const topology of GOVERN_EVENT_TOPOLOGY) {
      for (const consumed of topology.consumes) expect(consumed.durable.startsWith(`${topology.service}_`)).toBe(true);
    }
  });

  it('renders a namespaced variant for test runs on a shared server', () => {
    const [content] = GOVERN_EVENT_TOPOLOGY;
    const { publish } = permissionsOf(content as (typeof GOVERN_EVENT_TOPOLOGY)[number], 't1234');
    expect(publish).toContain('t1234.govern.content.>');
    expect(publish).toContain('$JS.API.STREAM.CREATE.t1234_GOVERN_CONTENT');
    expect(publish).toContain('$JS.API.CONSUMER.MSG.NEXT.t1234_GOVERN_PRODUCT_QUALITY.content_product_catalogue');
    expect(renderNatsServerConfig({ namespace: 't1234', credentials: { mode: 'nkeys', publicKeys: { content: 'UA', product_quality: 'UB', merchant_access: 'UC', consumer_experience: 'UD', ops: 'UE' } } })).toContain(
      'nkey: "UA"',
    );
  });
});
