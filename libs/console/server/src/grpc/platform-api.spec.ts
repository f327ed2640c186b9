import { Metadata } from 'nice-grpc';
import { describe, expect, it } from 'vitest';
import { withBearer } from './platform-api';

describe('operator clients', () => {
  it('send the operator’s token on every call, keeping the request and the other options', async () => {
    const seen: { request: unknown; options: { metadata?: Metadata; deadline?: number } }[] = [];
    const client = {
      async getMerchant(request: unknown, options: { metadata?: Metadata; deadline?: number } = {}) {
        seen.push({ request, options });
        return { ok: true };
      },
    };
    const asAlice = withBearer(client, 'alice-token');
    expect(await asAlice.getMerchant({ merchantId: 'm-1' }, { deadline: 500, metadata: Metadata({ 'x-trace': 't-1' }) })).toEqual({ ok: true });
    await asAlice.getMerchant({ merchantId: 'm-2' });
    expect(seen.map((s) => s.request)).toEqual([{ merchantId: 'm-1' }, { merchantId: 'm-2' }]);
    expect(seen.map((s) => s.options.metadata?.get('authorization'))).toEqual(['Bearer alice-token', 'Bearer alice-token']);
    expect(seen[0]?.options.metadata?.get('x-trace')).toBe('t-1');
    expect(seen[0]?.options.deadline).toBe(500);
  });

  it('overrides any authorization a caller tries to pass: one operator, one token', async () => {
    let sent: string | undefined;
    const client = { async call(_request: unknown, options: { metadata?: Metadata } = {}) { sent = options.metadata?.get('authorization'); } };
    await withBearer(client, 'bob-token').call({}, { metadata: Metadata({ authorization: 'Bearer someone-else' }) });
    expect(sent).toBe('Bearer bob-token');
  });
});
