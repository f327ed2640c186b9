import { describe, expect, it } from 'vitest';
import { NO_PERMISSIONS, permissionsOf } from './permissions';

describe('permissions from the services’ authorization tables', () => {
  it('lets an operator decide cases and appeals, but not move money', () => {
    const can = permissionsOf('ops.lin', ['operator']);
    expect(can.can('merchantAccess', 'DecideReviewCase')).toBe(true);
    expect(can.can('content', 'DecideAppeal')).toBe(true);
    expect(can.can('consumerExperience', 'DecideDispute')).toBe(true);
    expect(can.can('consumerExperience', 'ContributeToFund')).toBe(false);
  });

  it('lets a risk reviewer read the review queue but not decide; an auditor reads stats and ledgers only', () => {
    const risk = permissionsOf('risk.zhao', ['risk-reviewer']);
    expect(risk.can('merchantAccess', 'ListReviewCases')).toBe(true);
    expect(risk.can('merchantAccess', 'ClaimReviewCase')).toBe(false);
    const auditor = permissionsOf('audit.chen', ['auditor']);
    expect(auditor.can('merchantAccess', 'GetGovernanceStats')).toBe(true);
    expect(auditor.can('consumerExperience', 'GetFundLedger')).toBe(true);
    expect(auditor.can('merchantAccess', 'ListReviewCases')).toBe(false);
    expect(auditor.can('content', 'DecideAppeal')).toBe(false);
  });

  it('allows nothing without a role, or without a session', () => {
    expect(permissionsOf('nobody', []).can('merchantAccess', 'GetMerchant')).toBe(false);
    expect(NO_PERMISSIONS.can('content', 'ListAppeals')).toBe(false);
  });
});
