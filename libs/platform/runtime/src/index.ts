export * from './service-runtime';
export * from './mutation';
export * from './unit-of-work';
export * from './units';
export * from './service-process';
export * from './service-main';
export { actorOfJob, auditRecordOfCurrentCall, callerActor, causeOfEvent } from './audit';
