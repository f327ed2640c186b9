import { ScalarType, type DescField, type DescMessage } from '@bufbuild/protobuf';

/**
 * What a caller's bug or an attacker sends, per kind of field (issue 11's classes). Each value has
 * a label, so a failure names the class of input, never the (possibly 150,000-character) value.
 */
export interface Hostile {
  label: string;
  value: unknown;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

const strings: Hostile[] = [
  { label: 'empty string', value: '' },
  { label: 'whitespace only', value: ' \t ' },
  { label: 'NUL', value: 'a\u0000b' },
  { label: 'only NUL', value: '\u0000' },
  { label: 'huge string (70k chars)', value: 'p'.repeat(70_000) },
  { label: 'huge string (150k chars)', value: 'q'.repeat(150_000) },
  { label: 'lone surrogate', value: 'x\ud800y' },
  { label: 'emoji', value: '🙂👍🏽🇨🇳'.repeat(40) },
  { label: 'RTL override', value: '\u202Eevil\u202C-١٢٣' },
  { label: 'Arabic', value: 'مرحبا بالعالم' },
  { label: 'SQL-looking', value: "'; DROP TABLE merchant; --" },
  { label: 'zero-width and BOM', value: '\u200B\uFEFFid' },
  { label: 'combining marks', value: 'e\u0301'.repeat(300) },
  { label: '5000 CJK characters', value: '退'.repeat(5_000) },
  { label: 'control characters', value: '\u0001\u0007\u001b[31m\r\n' },
];

const int64s: Hostile[] = [
  { label: 'int64 -1', value: -1n },
  { label: 'int64 min', value: INT64_MIN },
  { label: 'int64 max', value: INT64_MAX },
  { label: 'int64 beyond 2^53', value: 9_007_199_254_740_993n },
];
const uint64s: Hostile[] = [{ label: 'uint64 max', value: 2n ** 64n - 1n }];
const int32s: Hostile[] = [
  { label: 'int32 -1', value: -1 },
  { label: 'int32 min', value: -(2 ** 31) },
  { label: 'int32 max', value: 2 ** 31 - 1 },
];
const uint32s: Hostile[] = [{ label: 'uint32 max', value: 2 ** 32 - 1 }];
const doubles: Hostile[] = [
  { label: 'NaN', value: Number.NaN },
  { label: '+Infinity', value: Number.POSITIVE_INFINITY },
  { label: '-Infinity', value: Number.NEGATIVE_INFINITY },
  { label: 'negative', value: -1.5 },
  { label: 'huge double', value: 1e308 },
  { label: 'negative zero', value: -0 },
];

export const timestamps: Hostile[] = [
  { label: 'Timestamp nanos = -1', value: { seconds: 1_790_000_000n, nanos: -1 } },
  { label: 'Timestamp nanos = 10^9', value: { seconds: 1_790_000_000n, nanos: 1_000_000_000 } },
  { label: 'Timestamp int64-max seconds', value: { seconds: INT64_MAX, nanos: 0 } },
  { label: 'Timestamp int64-min seconds', value: { seconds: INT64_MIN, nanos: 0 } },
  { label: 'Timestamp before year 1', value: { seconds: -62_135_596_801n, nanos: 0 } },
  { label: 'Timestamp year 1 (first valid)', value: { seconds: -62_135_596_800n, nanos: 0 } },
  { label: 'Timestamp 9999-12-31T23:59:59.999999999 (rounds to year 10000 in JS)', value: { seconds: 253_402_300_799n, nanos: 999_999_999 } },
  { label: 'Timestamp 9999-12-31T23:59:59.999 (last storable)', value: { seconds: 253_402_300_799n, nanos: 999_000_000 } },
  { label: 'Timestamp year 10000', value: { seconds: 253_402_300_800n, nanos: 0 } },
  { label: 'Timestamp epoch', value: { seconds: 0n, nanos: 0 } },
  { label: 'Timestamp year 2200', value: { seconds: 7_258_118_400n, nanos: 0 } },
];
const durations: Hostile[] = [
  { label: 'Duration negative', value: { seconds: -1n, nanos: 0 } },
  { label: 'Duration int64-max seconds', value: { seconds: INT64_MAX, nanos: 0 } },
  { label: 'Duration mixed signs', value: { seconds: 5n, nanos: -5 } },
];
const enums: Hostile[] = [
  { label: 'enum UNSPECIFIED', value: 0 },
  { label: 'unknown enum number', value: 99 },
  { label: 'negative enum number', value: -1 },
  { label: 'enum int32 max', value: 2 ** 31 - 1 },
];

const scalarHostiles = (scalar: ScalarType): Hostile[] => {
  switch (scalar) {
    case ScalarType.STRING:
      return strings;
    case ScalarType.BYTES:
      return [
        { label: 'empty bytes', value: new Uint8Array() },
        { label: '1.5 MiB bytes', value: new Uint8Array(1_536 * 1024) },
      ];
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return int64s;
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return uint64s;
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return int32s;
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return uint32s;
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return doubles;
    case ScalarType.BOOL:
      return [{ label: 'true', value: true }];
  }
};

const messageHostiles = (message: DescMessage): Hostile[] => {
  if (message.typeName === 'google.protobuf.Timestamp') return timestamps;
  if (message.typeName === 'google.protobuf.Duration') return durations;
  return [
    { label: 'absent message', value: undefined },
    { label: 'empty message', value: {} },
  ];
};

/** Hostile values of one element (or of the field itself when singular). */
export const elementHostiles = (field: DescField): Hostile[] => {
  switch (field.fieldKind) {
    case 'scalar':
      return scalarHostiles(field.scalar);
    case 'enum':
      return enums;
    case 'message':
      return messageHostiles(field.message);
    case 'list':
      return field.listKind === 'scalar' ? scalarHostiles(field.scalar) : field.listKind === 'enum' ? enums : messageHostiles(field.message);
    case 'map':
      return field.mapKind === 'scalar' ? scalarHostiles(field.scalar) : field.mapKind === 'enum' ? enums : messageHostiles(field.message);
  }
};

/** Hostile shapes of a whole repeated field or map, given one plausible element. */
export const collectionHostiles = (field: DescField, element: unknown): Hostile[] => {
  if (field.fieldKind === 'list') {
    return [
      { label: '100k-element repeated field', value: Array.from({ length: 100_000 }, () => element) },
      { label: '1000 identical elements', value: Array.from({ length: 1_000 }, () => element) },
      { label: 'empty repeated field', value: [] },
    ];
  }
  if (field.fieldKind === 'map') {
    const entries = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, element]));
    return [
      { label: '5000-entry map', value: entries(5_000) },
      { label: 'map key with NUL', value: { 'k\u0000': element } },
      { label: 'empty map key', value: { '': element } },
      { label: 'huge map key', value: { ['k'.repeat(20_000)]: element } },
    ];
  }
  return [];
};
