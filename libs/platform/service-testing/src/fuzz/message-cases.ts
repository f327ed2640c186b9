import { create, ScalarType, toBinary, type DescField, type DescMessage } from '@bufbuild/protobuf';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import fc from 'fast-check';
import { collectionHostiles, elementHostiles, type Hostile } from './hostile-values';

/**
 * Request messages for any RPC, generated from its descriptor (no per-RPC code): empty,
 * valid-looking, one field mutated to a hostile value, several at once, and bytes that are not the
 * message at all. Valid-looking values are plausible, not meaningful: the service may still refuse
 * them (NOT_FOUND, INVALID_ARGUMENT with field violations), which is fine.
 */
export type CaseKind = 'empty' | 'valid' | 'mutated' | 'hostile' | 'raw';

export interface FuzzCase {
  kind: CaseKind;
  /** The class of input, e.g. `listing.production_date = Timestamp nanos = -1`. Never the value itself. */
  label: string;
  bytes: Uint8Array;
}

type Init = Record<string, unknown>;

/** Messages nest at most this deep in generated values (a self-referencing type would recurse forever). */
const MAX_DEPTH = 4;
const OCTOBER_2026 = { min: 1_790_812_800n, max: 1_793_404_800n };

/**
 * Ids come from a small pool, so one RPC creates what the next one looks up (an order recorded
 * under `id-2` is then refunded, a merchant onboarded under `id-1` is then sanctioned) and the
 * cases reach past NOT_FOUND into the code that acts on the input. Request ids are fresh, so
 * mutations are not answered from the idempotency store.
 */
const ID_POOL = ['id-1', 'id-2', 'id-3'] as const;

const validString = (name: string): fc.Arbitrary<string> => {
  if (name === 'request_id') return fc.uuid();
  // A token only the service issues: valid-looking requests ask for the first page.
  if (name === 'page_token' || name.endsWith('_page_token')) return fc.constant('');
  if (name.endsWith('_id') || name.endsWith('_ids')) return fc.oneof({ arbitrary: fc.constantFrom(...ID_POOL), weight: 4 }, fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/));
  return fc.oneof({ arbitrary: fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/), weight: 4 }, fc.constantFrom('保温杯 500ml', 'Acme', 'home.kitchen', 'FUND'));
};

const validScalar = (scalar: ScalarType, name = ''): fc.Arbitrary<unknown> => {
  switch (scalar) {
    case ScalarType.STRING:
      return validString(name);
    case ScalarType.BYTES:
      return fc.uint8Array({ maxLength: 16 });
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return fc.bigInt({ min: 0n, max: 100_000n });
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return fc.double({ min: 0, max: 1, noNaN: true });
    case ScalarType.BOOL:
      return fc.boolean();
    default:
      // Ratings, counts, sizes: mostly small.
      return fc.oneof({ arbitrary: fc.integer({ min: 1, max: 5 }), weight: 2 }, fc.integer({ min: 0, max: 1_000 }));
  }
};

const validEnum = (values: readonly { number: number }[]): fc.Arbitrary<number> => {
  const defined = values.map((v) => v.number).filter((n) => n !== 0);
  return defined.length > 0 ? fc.constantFrom(...defined) : fc.constant(0);
};

const validTime = (): fc.Arbitrary<Init> => fc.record({ seconds: fc.bigInt(OCTOBER_2026), nanos: fc.constant(0) });

const validMessage = (message: DescMessage, depth: number): fc.Arbitrary<Init | undefined> => {
  if (message.typeName === 'google.protobuf.Timestamp') return validTime();
  if (message.typeName === 'google.protobuf.Duration') return fc.record({ seconds: fc.bigInt({ min: 60n, max: 86_400n }), nanos: fc.constant(0) });
  if (depth >= MAX_DEPTH) return fc.constant(undefined);
  return messageInit(message, depth + 1);
};

const elementOf = (field: DescField, depth: number): fc.Arbitrary<unknown> => {
  switch (field.fieldKind) {
    case 'scalar':
      return validScalar(field.scalar, field.name);
    case 'enum':
      return validEnum(field.enum.values);
    case 'message':
      return validMessage(field.message, depth);
    case 'list':
      return field.listKind === 'scalar' ? validScalar(field.scalar, field.name) : field.listKind === 'enum' ? validEnum(field.enum.values) : validMessage(field.message, depth);
    case 'map':
      return field.mapKind === 'scalar' ? validScalar(field.scalar) : field.mapKind === 'enum' ? validEnum(field.enum.values) : validMessage(field.message, depth);
  }
};

const mapKey = (field: DescField): fc.Arbitrary<string> =>
  field.fieldKind === 'map' && field.mapKey !== ScalarType.STRING ? fc.integer({ min: 0, max: 100 }).map(String) : fc.stringMatching(/^[a-z]{1,8}$/);

const fieldValue = (field: DescField, depth: number): fc.Arbitrary<unknown> => {
  const element = elementOf(field, depth);
  if (field.fieldKind === 'list') return fc.array(element.filter((e) => e !== undefined), { maxLength: 3 });
  if (field.fieldKind === 'map') return fc.dictionary(mapKey(field), element.filter((e) => e !== undefined), { maxKeys: 2 });
  if (field.fieldKind === 'message') return fc.option(element, { nil: undefined, freq: field.message.typeName === 'google.protobuf.Timestamp' ? 12 : 5 });
  return element;
};

/** A valid-looking init object (protobuf-es `create` shape) for `message`. */
export const messageInit = (message: DescMessage, depth = 0): fc.Arbitrary<Init> => {
  const plain = message.fields.filter((f) => f.oneof === undefined);
  const record: Record<string, fc.Arbitrary<unknown>> = {};
  for (const field of plain) record[field.localName] = fieldValue(field, depth);
  for (const oneof of message.oneofs) {
    record[oneof.localName] = fc.oneof(
      fc.constant(undefined),
      ...oneof.fields.map((f) => fieldValue(f, depth).map((value) => (value === undefined ? undefined : { case: f.localName, value }))),
    );
  }
  return fc.record(record).map((init) => Object.fromEntries(Object.entries(init).filter(([, v]) => v !== undefined)));
};

/** A field reachable from the request, as the chain of fields that leads to it. */
interface Leaf {
  chain: DescField[];
  path: string;
}

const leavesOf = (message: DescMessage, prefix: DescField[] = [], depth = 0): Leaf[] => {
  const leaves: Leaf[] = [];
  for (const field of message.fields) {
    const chain = [...prefix, field];
    leaves.push({ chain, path: chain.map((f) => f.name).join('.') });
    const nested = field.fieldKind === 'message' || (field.fieldKind === 'list' && field.listKind === 'message') ? field.message : undefined;
    if (nested && !nested.typeName.startsWith('google.protobuf.') && depth < 2 && field.oneof === undefined) leaves.push(...leavesOf(nested, chain, depth + 1));
  }
  return leaves;
};

const hostilesOf = (field: DescField): Hostile[] => {
  const singles = elementHostiles(field);
  if (field.fieldKind === 'list') return [...singles.map((h) => ({ label: `[${h.label}]`, value: h.value === undefined ? [] : [h.value] })), ...collectionHostiles(field, plainElement(field))];
  if (field.fieldKind === 'map') return [...singles.map((h) => ({ label: `{k: ${h.label}}`, value: h.value === undefined ? {} : { k: h.value } })), ...collectionHostiles(field, plainElement(field))];
  return singles;
};

/** One plausible element of a list or map, for the 100k-element and 5000-entry shapes. */
const plainElement = (field: DescField): unknown => {
  const kind = field.fieldKind === 'list' ? field.listKind : field.fieldKind === 'map' ? field.mapKind : 'scalar';
  if (kind === 'enum') return 1;
  if (kind === 'message') return {};
  const scalar = (field.fieldKind === 'list' || field.fieldKind === 'map' ? field.scalar : undefined) ?? ScalarType.STRING;
  if (scalar === ScalarType.STRING) return 'x';
  if (scalar === ScalarType.BOOL) return true;
  if (scalar === ScalarType.BYTES) return new Uint8Array([1]);
  return [ScalarType.INT64, ScalarType.UINT64, ScalarType.SINT64, ScalarType.FIXED64, ScalarType.SFIXED64].includes(scalar) ? 1n : 1;
};

/** Sets `value` at the leaf, creating the messages (and first list elements) on the way. */
const setAt = (init: Init, chain: DescField[], value: unknown): void => {
  let target = init;
  for (const field of chain.slice(0, -1)) {
    if (field.fieldKind === 'list') {
      const list = (target[field.localName] as Init[] | undefined) ?? [];
      if (list.length === 0) list.push({});
      target[field.localName] = list;
      target = list[0] as Init;
    } else {
      const next = (target[field.localName] as Init | undefined) ?? {};
      target[field.localName] = next;
      target = next;
    }
  }
  const last = chain.at(-1) as DescField;
  if (last.oneof) target[last.oneof.localName] = value === undefined ? undefined : { case: last.localName, value };
  else if (value === undefined) delete target[last.localName];
  else target[last.localName] = value;
};

const encode = (message: DescMessage, init: Init): Uint8Array => toBinary(message, create(message, init as never));

const mutation = (leaves: Leaf[]) =>
  fc.record({ leaf: fc.nat({ max: leaves.length - 1 }), pick: fc.nat() }).map(({ leaf, pick }) => {
    const { chain, path } = leaves[leaf] as Leaf;
    const options = hostilesOf(chain.at(-1) as DescField);
    const hostile = options[pick % options.length] as Hostile;
    return { chain, label: `${path} = ${hostile.label}`, value: hostile.value };
  });

const rawCases = (message: DescMessage, valid: Uint8Array): fc.Arbitrary<FuzzCase> => {
  const strings = message.fields.filter((f) => f.fieldKind === 'scalar' && f.scalar === ScalarType.STRING);
  const append = (write: (w: BinaryWriter) => void): Uint8Array => {
    const w = new BinaryWriter();
    w.raw(valid);
    write(w);
    return w.finish();
  };
  const raw = (label: string, bytes: Uint8Array): FuzzCase => ({ kind: 'raw', label: `raw: ${label}`, bytes });
  const options: fc.Arbitrary<FuzzCase>[] = [
    fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => raw('random bytes', bytes)),
    fc.constant(raw('field number 0', new Uint8Array([0x02, 0x00]))),
    fc.constant(raw('length past the end', new Uint8Array([0x0a, 0xe8, 0x07, 0x61]))),
    fc.constant(raw('10k nested groups in an unknown field', append((w) => { for (let i = 0; i < 10_000; i++) w.tag(1000, WireType.StartGroup); }))),
    fc.constant(raw('varint longer than 10 bytes', new Uint8Array([0x08, ...Array.from({ length: 11 }, () => 0xff), 0x01]))),
  ];
  if (valid.length > 1) options.push(fc.integer({ min: 1, max: valid.length - 1 }).map((end) => raw('truncated message', valid.subarray(0, end))));
  for (const field of strings) {
    options.push(fc.constant(raw(`${field.name} = invalid UTF-8`, append((w) => w.tag(field.number, WireType.LengthDelimited).bytes(new Uint8Array([0x61, 0xc3, 0x28, 0xff]))))));
  }
  return fc.oneof(...options);
};

/**
 * Every kind of case for `message`. The first case of a run should be `empty` (see runner); the
 * rest are drawn with these weights.
 */
export const caseArbitrary = (message: DescMessage): fc.Arbitrary<FuzzCase> => {
  const leaves = leavesOf(message);
  const valid = messageInit(message);
  const kinds: fc.WeightedArbitrary<FuzzCase>[] = [
    { weight: 1, arbitrary: fc.constant({ kind: 'empty', label: 'empty message', bytes: new Uint8Array() }) },
    { weight: 3, arbitrary: valid.map((init) => ({ kind: 'valid', label: 'valid-looking message', bytes: encode(message, init) })) },
    { weight: 2, arbitrary: valid.chain((init) => rawCases(message, encode(message, init))) },
  ];
  if (leaves.length > 0) {
    kinds.push({
      weight: 8,
      arbitrary: fc.tuple(valid, mutation(leaves)).map(([init, m]) => {
        setAt(init, m.chain, m.value);
        return { kind: 'mutated', label: m.label, bytes: encode(message, init) };
      }),
    });
    kinds.push({
      weight: 2,
      // Distinct fields, so the label says what was sent (a later mutation of the same field would win).
      arbitrary: fc.tuple(valid, fc.uniqueArray(mutation(leaves), { selector: (m) => m.label.split(' = ')[0], minLength: Math.min(2, leaves.length), maxLength: 3 })).map(([init, ms]) => {
        for (const m of ms) setAt(init, m.chain, m.value);
        return { kind: 'hostile', label: ms.map((m) => m.label).join('; '), bytes: encode(message, init) };
      }),
    });
  }
  return fc.oneof(...kinds);
};
