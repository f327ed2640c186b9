// Generated code (buf + ts-proto, and the event types from the events protos' `Subject:` comments; see tools/codegen).
// Run `npm run generate` after changing protos.
export * from './gen';
// Hand-written: who may call each RPC, part of the contract (enforced by the service, read by the console and the CLI).
export { merchantAccessPolicy } from './merchant-access.policy';
