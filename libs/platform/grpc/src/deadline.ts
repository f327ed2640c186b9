import type { ServerInterceptor } from '@grpc/grpc-js';
import { metadataInterceptor, type MetadataStep } from '@govern/platform-auth';
import type { Metadata } from 'nice-grpc-common';

/**
 * grpc-js parses `grpc-timeout` and removes it from the metadata a handler sees, and
 * nice-grpc does not expose the underlying call. This interceptor copies the parsed
 * deadline into an internal metadata key (always overwriting what a client sent, so it
 * cannot be spoofed); the call middleware reads it back and deletes it.
 */
export const DEADLINE_METADATA_KEY = 'govern-internal-deadline-ms';

export const deadlineStep: MetadataStep = (call, metadata) => {
  metadata.remove(DEADLINE_METADATA_KEY);
  const deadline = call.getDeadline();
  const ms = deadline instanceof Date ? deadline.getTime() : deadline;
  if (Number.isFinite(ms)) metadata.set(DEADLINE_METADATA_KEY, String(ms));
};

/** The deadline step as an interceptor of its own (the kit's server runs it in one with the peer identity's). */
export const deadlineInterceptor: ServerInterceptor = metadataInterceptor(deadlineStep);

/** Reads (and removes) the deadline the interceptor left in the call's metadata. */
export const takeDeadline = (metadata: Metadata): Date | undefined => {
  const raw = metadata.get(DEADLINE_METADATA_KEY);
  metadata.delete(DEADLINE_METADATA_KEY);
  if (raw === undefined) return undefined;
  const ms = Number(raw);
  return Number.isFinite(ms) ? new Date(ms) : undefined;
};

const TIMEOUT_UNITS: ReadonlyArray<readonly [string, number]> = [
  ['m', 1],
  ['S', 1_000],
  ['M', 60_000],
  ['H', 3_600_000],
];

/**
 * The `grpc-timeout` header value for the time left until `deadline` (at most 8 digits
 * per the gRPC spec, so long timeouts switch to coarser units, rounding up).
 */
export const formatGrpcTimeout = (deadline: Date, now: number = Date.now()): string => {
  const remaining = Math.max(0, deadline.getTime() - now);
  for (const [unit, factor] of TIMEOUT_UNITS) {
    const amount = Math.ceil(remaining / factor);
    if (amount < 100_000_000) return `${amount}${unit}`;
  }
  return '99999999H';
};
