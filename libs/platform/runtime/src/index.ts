export * from './service-runtime';
export * from './mutation';
export * from './service-process';
export * from './service-main';
