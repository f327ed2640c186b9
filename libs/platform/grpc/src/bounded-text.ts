/**
 * Client input that reaches an answer (a message, a field path, ErrorInfo metadata, a header) is
 * cut to a short prefix here, so no request can make an answer grow with it.
 */

/** ES2024 string methods Node 20 has; the workspace's TypeScript lib (ES2023) does not declare them yet. */
interface Es2024String {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

/** Text without lone surrogates (those cannot be encoded as UTF-8 and are not text). */
export const isWellFormed = (text: string): boolean => (text as unknown as Es2024String).isWellFormed();

/** Lone surrogates replaced by U+FFFD. */
export const toWellFormed = (text: string): string => (text as unknown as Es2024String).toWellFormed();

/** How much of one piece of client input an answer may quote. */
export const QUOTE_MAX_CHARS = 64;

/**
 * The first `maxChars` UTF-16 units of `text`, never ending in half a surrogate pair, with `…`
 * when something was cut. Lone surrogates are replaced (they cannot be encoded as UTF-8).
 */
export const truncate = (text: string, maxChars: number): string => {
  // Cut first, then repair: the cost is bounded by maxChars, not by the input.
  if (text.length <= maxChars) return isWellFormed(text) ? text : toWellFormed(text);
  let end = Math.max(0, maxChars - 1);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${toWellFormed(text.slice(0, end))}…`;
};

/** Client input quoted in a description: JSON-escaped (NUL and controls visible), bounded. */
export const quote = (text: string, maxChars = QUOTE_MAX_CHARS): string => JSON.stringify(truncate(text, maxChars));

const HEADER_SAFE = /^[\x21-\x7e]*$/;

/**
 * A value a response header can carry (grpc-js refuses anything but printable ASCII, and the
 * refusal would turn the answer into UNKNOWN): printable ASCII passes as is; anything else is
 * percent-encoded from its UTF-8 bytes (`退款-1` → `%E9%80%80%E6%AC%BE-1`), then bounded.
 */
export const toHeaderValue = (text: string, maxChars: number): string => {
  if (text.length <= maxChars && HEADER_SAFE.test(text)) return text;
  let out = '';
  for (const byte of Buffer.from(truncate(text, maxChars), 'utf8')) {
    const encoded = byte > 0x20 && byte < 0x7f && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    if (out.length + encoded.length > maxChars * 3) break;
    out += encoded;
  }
  return out;
};
