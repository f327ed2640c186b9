import { describe, expect, it } from 'vitest';
import { createSessionSealer, csrfMatches } from './session';

const session = { sub: 'ops.lin', roles: ['operator'], token: 'header.payload.signature', via: 'dev' as const, exp: Math.floor(Date.now() / 1000) + 3600 };

describe('session cookie', () => {
  it('opens what it sealed, with a CSRF token the browser cannot read', async () => {
    const sealer = createSessionSealer('a-session-secret-of-at-least-32-chars!!');
    const sealed = await sealer.seal(session);
    expect(sealed).not.toContain('ops.lin');
    expect(sealed).not.toContain('header.payload');
    const opened = await sealer.open(sealed);
    expect(opened).toMatchObject(session);
    expect(opened?.csrf.length).toBeGreaterThanOrEqual(32);
  });

  it('refuses a cookie that was changed, sealed with another secret, or expired', async () => {
    const sealer = createSessionSealer('a-session-secret-of-at-least-32-chars!!');
    const sealed = await sealer.seal(session);
    const tampered = `${sealed.slice(0, -6)}${sealed.slice(-6).split('').reverse().join('')}`;
    expect(await sealer.open(tampered)).toBeUndefined();
    expect(await createSessionSealer('another-secret-of-at-least-32-chars!!!').open(sealed)).toBeUndefined();
    expect(await sealer.open(sealed, new Date((session.exp + 1) * 1000))).toBeUndefined();
    expect(await sealer.open(undefined)).toBeUndefined();
  });

  it('compares CSRF tokens exactly', async () => {
    const sealer = createSessionSealer('a-session-secret-of-at-least-32-chars!!');
    const opened = await sealer.open(await sealer.seal(session));
    if (!opened) throw new Error('the sealed session did not open');
    expect(csrfMatches(opened, opened.csrf)).toBe(true);
    expect(csrfMatches(opened, `${opened.csrf}x`)).toBe(false);
    expect(csrfMatches(opened, undefined)).toBe(false);
  });

  it('refuses to seal a token too large for a cookie instead of losing the session', async () => {
    const sealer = createSessionSealer('a-session-secret-of-at-least-32-chars!!');
    await expect(sealer.seal({ ...session, token: 'x'.repeat(5_000) })).rejects.toThrow(/4096/);
  });
});
