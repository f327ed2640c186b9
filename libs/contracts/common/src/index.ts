// Generated code (buf + ts-proto, see tools/codegen); run `npm run generate` after changing protos.
export * from './gen';
export * from './event-type';
export * from './service-registry';
// Hand-written: the language of the services' authorization tables (each table is in its service's contracts lib).
export * from './authorization';
