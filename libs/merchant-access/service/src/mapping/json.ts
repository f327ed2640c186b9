import type { Reason } from '@govern/policy-core';
import type { Prisma } from '@govern/merchant-access-data-access';
import type { RingLink } from '@govern/merchant-access-domain';

/**
 * JSON columns hold what the service wrote itself (reasons, ring paths, id lists), so reading
 * them back is a cast at one place rather than a parse.
 */
export const reasonsOf = (json: Prisma.JsonValue): Reason[] => (Array.isArray(json) ? (json as unknown as Reason[]) : []);
export const stringsOf = (json: Prisma.JsonValue): string[] => (Array.isArray(json) ? json.filter((x): x is string => typeof x === 'string') : []);
export const ringLinksOf = (json: Prisma.JsonValue): RingLink[] => (Array.isArray(json) ? (json as unknown as RingLink[]) : []);
export const evidenceOf = (json: Prisma.JsonValue): Record<string, string> =>
  json !== null && typeof json === 'object' && !Array.isArray(json)
    ? Object.fromEntries(Object.entries(json).filter((entry): entry is [string, string] => typeof entry[1] === 'string'))
    : {};

/** Domain values to a JSON column. */
export const toJson = (value: unknown): Prisma.InputJsonValue => JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue;
