// Generated code (buf + ts-proto, and the event types from the events protos' `Subject:` comments; see tools/codegen).
// Run `npm run generate` after changing protos.
export * from './gen';
