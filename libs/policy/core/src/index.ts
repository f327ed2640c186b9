export * from './domain-error';
export * from './validation';
export * from './decision';
export * from './ports';
