export * from './category';
export * from './text';
export * from './request-limits.policy';
