import { isUtf8 } from 'node:buffer';
import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { REASON, type FieldViolation } from '@govern/policy-core';
import { quote } from '../bounded-text';
import { timestampProblem } from '../request-kit/storable-time';
import { Kind, type FieldRule, type MessagePlan } from './message-plan';
import type { EdgeGuardSettings } from './settings';

/**
 * Checks the raw bytes of a request against its message plan in one pass, before ts-proto decodes
 * them: ts-proto (useDate) turns `nanos = -1` or int64-max seconds into a Date that no longer says
 * what was sent, replaces malformed UTF-8 silently, and keeps unknown enum numbers. Hand-written
 * over @bufbuild/protobuf's BinaryReader because a reflective decode would build the whole
 * message a second time; here only strings, bytes, enums, floats and Timestamps are looked at, and
 * their bytes are never copied.
 */

/** Durations as google.protobuf.Duration defines them: ±10,000 years. */
const MAX_DURATION_SECONDS = 315_576_000_000n;

class ViolationLimitReached extends Error {}

/**
 * Where the walk is, as a chain built only when it descends into a message or reports: paths
 * are strings only in an answer, so a request that passes allocates none.
 */
interface Path {
  readonly up: Path | undefined;
  readonly name: string;
  /** Element index of a repeated field, or -1. */
  readonly index: number;
  /** Map key, already quoted, or undefined. */
  readonly key?: string;
}

const at = (up: Path | undefined, rule: FieldRule, index: number, key?: string): Path => ({ up, name: rule.name, index, ...(key === undefined ? {} : { key }) });

const render = (path: Path | undefined): string => {
  if (!path) return '';
  const parent = render(path.up);
  const self = `${path.name}${path.index >= 0 ? `[${path.index}]` : ''}${path.key === undefined ? '' : `[${path.key}]`}`;
  return parent === '' ? self : `${parent}.${self}`;
};

class Walk {
  readonly violations: FieldViolation[] = [];

  constructor(readonly settings: EdgeGuardSettings) {}

  add(path: Path | undefined, description: string, reason: string): void {
    this.violations.push({ field: render(path), description, reason });
    if (this.violations.length >= this.settings.maxViolations) throw new ViolationLimitReached();
  }

  message(bytes: Uint8Array, plan: MessagePlan, path: Path | undefined, depth: number): void {
    if (depth > this.settings.maxDepth) {
      this.add(path, `nests messages deeper than ${this.settings.maxDepth} levels`, REASON.MALFORMED_MESSAGE);
      return;
    }
    const reader = new BinaryReader(bytes);
    let counts: Map<number, number> | undefined;
    while (reader.pos < reader.len) {
      const [fieldNo, wireType] = reader.tag();
      const rule = plan.fields.get(fieldNo);
      if (!rule) {
        reader.skip(wireType, fieldNo);
        continue;
      }
      if (!rule.repeated) {
        this.value(reader, wireType, fieldNo, rule, path, -1, depth);
        continue;
      }
      counts ??= new Map();
      let count = counts.get(fieldNo) ?? 0;
      if (count > rule.maxItems) {
        reader.skip(wireType, fieldNo);
        continue;
      }
      if (wireType === WireType.LengthDelimited && isPackable(rule.kind)) {
        // A packed run of scalars: count and check each element in place.
        const packed = new BinaryReader(reader.bytes());
        while (packed.pos < packed.len && count <= rule.maxItems) {
          this.value(packed, packedWireType(rule.kind), fieldNo, rule, path, count, depth);
          count++;
        }
      } else {
        if (count >= rule.maxItems) reader.skip(wireType, fieldNo);
        else if (rule.map) this.mapEntry(reader, wireType, fieldNo, rule, path, depth);
        else this.value(reader, wireType, fieldNo, rule, path, count, depth);
        count++;
      }
      if (count > rule.maxItems) this.add(at(path, rule, -1), `must have at most ${rule.maxItems} ${rule.map ? 'entries' : 'items'}`, REASON.TOO_MANY_ITEMS);
      counts.set(fieldNo, count);
    }
  }

  /** One value of `rule` at the reader; a wire type ts-proto would not read as this field is skipped, as ts-proto does. */
  private value(reader: BinaryReader, wireType: WireType, fieldNo: number, rule: FieldRule, parent: Path | undefined, index: number, depth: number, key?: string): void {
    switch (rule.kind) {
      case Kind.String:
        if (wireType !== WireType.LengthDelimited) break;
        this.string(reader.bytes(), rule, parent, index, key);
        return;
      case Kind.Bytes:
        if (wireType !== WireType.LengthDelimited) break;
        if (reader.bytes().length > rule.maxBytes) this.add(at(parent, rule, index, key), `must be at most ${rule.maxBytes} bytes`, REASON.TOO_LONG);
        return;
      case Kind.Message:
        if (wireType !== WireType.LengthDelimited || !rule.message) break;
        this.message(reader.bytes(), rule.message(), at(parent, rule, index, key), depth + 1);
        return;
      case Kind.Timestamp:
      case Kind.Duration:
        if (wireType !== WireType.LengthDelimited) break;
        this.time(reader.bytes(), rule, parent, index, key);
        return;
      case Kind.Enum: {
        if (wireType !== WireType.Varint) break;
        const value = reader.int32();
        if (this.settings.rejectUnknownEnumValues && !rule.enumValues?.has(value)) {
          this.add(at(parent, rule, index, key), `is not a value of ${rule.enumName ?? 'the enum'} (got ${value})`, REASON.UNKNOWN_ENUM_VALUE);
        }
        return;
      }
      case Kind.Double:
      case Kind.Float: {
        const expected = rule.kind === Kind.Double ? WireType.Bit64 : WireType.Bit32;
        if (wireType !== expected) break;
        const value = rule.kind === Kind.Double ? reader.double() : reader.float();
        if (this.settings.rejectNonFiniteNumbers && !Number.isFinite(value)) this.add(at(parent, rule, index, key), 'must be a finite number', REASON.OUT_OF_RANGE);
        return;
      }
      default:
        break;
    }
    reader.skip(wireType, fieldNo);
  }

  /**
   * Short strings (most ids) in one JS pass, which beats the cost of native calls; longer ones
   * with the native scans (isUtf8, indexOf), counting code points only when the byte length
   * could exceed the bound.
   */
  private string(bytes: Uint8Array, rule: FieldRule, parent: Path | undefined, index: number, key?: string): void {
    let nul = false;
    let ascii = true;
    let codePoints = 0;
    if (bytes.length <= SHORT_STRING_BYTES) {
      for (let i = 0; i < bytes.length; i++) {
        const byte = bytes[i] as number;
        if (byte === 0) nul = true;
        else if (byte >= 0x80) ascii = false;
        // Every byte that is not a UTF-8 continuation byte starts a code point.
        if ((byte & 0xc0) !== 0x80) codePoints++;
      }
    } else {
      ascii = false;
      nul = bytes.indexOf(0) !== -1;
      codePoints = bytes.length > rule.maxChars ? codePointsOf(bytes) : bytes.length;
    }
    if (!ascii && !isUtf8(bytes)) this.add(at(parent, rule, index, key), 'must be well-formed UTF-8', REASON.MALFORMED_UTF8);
    else if (nul) this.add(at(parent, rule, index, key), 'must not contain NUL (U+0000)', REASON.CONTAINS_NUL);
    else if (codePoints > rule.maxChars) this.add(at(parent, rule, index, key), `must be at most ${rule.maxChars} characters`, REASON.TOO_LONG);
  }

  private time(bytes: Uint8Array, rule: FieldRule, parent: Path | undefined, index: number, key?: string): void {
    const reader = new BinaryReader(bytes);
    let seconds = 0n;
    let nanos = 0;
    while (reader.pos < reader.len) {
      const [fieldNo, wireType] = reader.tag();
      if (fieldNo === 1 && wireType === WireType.Varint) seconds = BigInt(reader.int64());
      else if (fieldNo === 2 && wireType === WireType.Varint) nanos = reader.int32();
      else reader.skip(wireType, fieldNo);
    }
    if (rule.kind === Kind.Timestamp) {
      const problem = timestampProblem(seconds, nanos);
      if (problem) this.add(at(parent, rule, index, key), problem, REASON.INVALID_TIMESTAMP);
      return;
    }
    const sameSign = seconds === 0n || nanos === 0 || seconds > 0n === nanos > 0;
    if (seconds < -MAX_DURATION_SECONDS || seconds > MAX_DURATION_SECONDS || nanos < -999_999_999 || nanos > 999_999_999 || !sameSign) {
      this.add(at(parent, rule, index, key), 'must be a valid duration (at most 10000 years; seconds and nanos of one sign)', REASON.OUT_OF_RANGE);
    }
  }

  private mapEntry(reader: BinaryReader, wireType: WireType, fieldNo: number, rule: FieldRule, parent: Path | undefined, depth: number): void {
    const map = rule.map;
    if (wireType !== WireType.LengthDelimited || !map) {
      reader.skip(wireType, fieldNo);
      return;
    }
    const entryBytes = reader.bytes();
    const entry = new BinaryReader(entryBytes);
    let keyBytes: Uint8Array | undefined;
    // The value is checked once the key (which names it in the path) is known.
    let valueAt: { reader: BinaryReader; wireType: WireType } | undefined;
    while (entry.pos < entry.len) {
      const [no, type] = entry.tag();
      if (no === 1 && map.key.kind === Kind.String && type === WireType.LengthDelimited) keyBytes = entry.bytes();
      else if (no === 2) {
        const start = entry.pos;
        entry.skip(type, no);
        valueAt = { reader: new BinaryReader(entryBytes.subarray(start, entry.pos)), wireType: type };
      } else entry.skip(type, no);
    }
    let keyText = '';
    if (keyBytes) {
      const before = this.violations.length;
      this.string(keyBytes, { ...map.key, name: rule.name }, parent, -1, 'key');
      if (this.violations.length > before) return;
      keyText = Buffer.from(keyBytes.buffer, keyBytes.byteOffset, keyBytes.length).toString('utf8');
    }
    if (valueAt) this.value(valueAt.reader, valueAt.wireType, 2, { ...map.value, name: rule.name }, parent, -1, depth, quote(keyText));
  }
}

/** Below this, a JS loop over the bytes is cheaper than the native calls. */
const SHORT_STRING_BYTES = 48;

const codePointsOf = (bytes: Uint8Array): number => {
  let count = 0;
  for (let i = 0; i < bytes.length; i++) if (((bytes[i] as number) & 0xc0) !== 0x80) count++;
  return count;
};

const isPackable = (kind: Kind): boolean => kind !== Kind.String && kind !== Kind.Bytes && kind !== Kind.Message && kind !== Kind.Timestamp && kind !== Kind.Duration;

const packedWireType = (kind: Kind): WireType => {
  if (kind === Kind.Double || kind === Kind.Fixed64) return WireType.Bit64;
  if (kind === Kind.Float || kind === Kind.Fixed32) return WireType.Bit32;
  return WireType.Varint;
};

export interface GuardResult {
  violations: FieldViolation[];
  /** The bytes do not parse as protobuf at all (truncated, bad tags): only the first problem is listed. */
  malformed: boolean;
}

/** Walks `bytes` as a `plan` message; returns what is wrong, empty when the request may pass. */
export const guardMessage = (bytes: Uint8Array, plan: MessagePlan, settings: EdgeGuardSettings): GuardResult => {
  const walk = new Walk(settings);
  try {
    walk.message(bytes, plan, undefined, 0);
  } catch (error) {
    if (error instanceof ViolationLimitReached) return { violations: walk.violations, malformed: false };
    // A premature end, an illegal tag or wire type, a varint too long, groups nested past the stack.
    return { violations: [{ field: '', description: `the request is not a valid ${plan.typeName}`, reason: REASON.MALFORMED_MESSAGE }], malformed: true };
  }
  return { violations: walk.violations, malformed: false };
};
