// Pure rules of product-quality: what may be sold. No I/O; use cases pass in data and ports.
export * from './shared';
export * from './listing/listing';
export * from './listing/claim-scanner.port';
export * from './listing/listing-gate.policy';
export * from './listing/evaluate-listing';
export * from './listing/title-fingerprint';
export * from './listing/brand-authorisation';
export * from './quality/quality-score.policy';
export * from './quality/quality-score';
export * from './inspection/sampling-inspection.policy';
export * from './inspection/plan-sampling';
export * from './inspection/lab-result';
export * from './bans/ban.policy';
export * from './bans/ban';
export * from './ip/ip-complaint.policy';
export * from './ip/ip-complaint';
export * from './acceptance-sampling';
