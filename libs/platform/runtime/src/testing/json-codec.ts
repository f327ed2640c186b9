/**
 * A message codec for the runtime's own tests: messages and events as JSON, since the platform
 * only needs `encode`/`decode` (and, for the audit record, `toJSON`), not generated protobuf code.
 */
export const jsonCodec = <T>(toJSON?: (message: T) => unknown) => ({
  encode: (message: T) => ({ finish: () => new TextEncoder().encode(JSON.stringify(message)) }),
  decode: (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes)) as T,
  ...(toJSON ? { toJSON } : {}),
});
