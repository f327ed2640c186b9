export * from './platform-clients';
