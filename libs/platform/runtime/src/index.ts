export * from './service-runtime';
export * from './mutation';
