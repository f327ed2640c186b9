import { join } from 'node:path';
import { Metadata } from 'nice-grpc';
import { ActorKind, type Actor } from '@govern/contracts-common';

/** What the GovernanceOpsService integration specs share: the platform's migrations and a stand-in for a person's token. */
export const PLATFORM_MIGRATIONS = join(import.meta.dirname, '..', '..', '..', 'db', 'prisma', 'migrations');

/** The server kit will carry the authenticated caller; this header stands in for a person's token here. */
export const actorOf = (context: { metadata: Metadata }): Actor | undefined => {
  const person = context.metadata.get('x-test-person');
  return person ? { subject: person, kind: ActorKind.ACTOR_KIND_PERSON, roles: ['operator'], service: '' } : undefined;
};

/** Call options that make `person` the caller (see actorOf). */
export const as = (person: string) => ({ metadata: Metadata({ 'x-test-person': person }) });

/** The gRPC error a call failed with; throws if it did not fail. */
export { failureOf as failure } from '@govern/platform-service-testing';
