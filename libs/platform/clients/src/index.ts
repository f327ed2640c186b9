export * from './platform-clients';
export * from './platform-report';
