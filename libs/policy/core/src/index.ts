export * from './domain-error';
export * from './validation';
export * from './decision';
export * from './ports';
export * from './policy-versions';
