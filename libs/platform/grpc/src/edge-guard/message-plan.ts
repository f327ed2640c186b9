import { createFileRegistry, fromBinary, ScalarType, type DescField, type DescMessage, type FileRegistry } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import type { EdgeGuardSettings, FieldLimits } from './settings';

/**
 * What the edge guard checks in each field of a request message, compiled once per message type
 * from the FileDescriptorSets the server already has for reflection, so the per-call walk does
 * no descriptor lookups: a field number indexes straight into its rule.
 */
export const Kind = {
  String: 0,
  Bytes: 1,
  Message: 2,
  Timestamp: 3,
  Duration: 4,
  Enum: 5,
  Double: 6,
  Float: 7,
  /** Fixed-width integers (only their width matters, for packed runs). */
  Fixed32: 8,
  Fixed64: 9,
  /** Varint integers and bools: any wire value decodes to a value the handler checks itself. */
  Other: 10,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

export interface FieldRule {
  /** The proto (snake_case) name: field-violation paths use it. */
  readonly name: string;
  readonly kind: Kind;
  readonly repeated: boolean;
  /** Map fields: entries are messages { 1: key, 2: value }; `key`/`value` describe them. */
  readonly map?: { readonly key: FieldRule; readonly value: FieldRule };
  /** Message kinds: resolved lazily (types may refer to themselves). */
  readonly message?: () => MessagePlan;
  readonly enumName?: string;
  readonly enumValues?: ReadonlySet<number>;
  readonly maxChars: number;
  readonly maxBytes: number;
  readonly maxItems: number;
}

export interface MessagePlan {
  readonly typeName: string;
  /** Indexed by field number; sparse. */
  readonly fields: ReadonlyMap<number, FieldRule>;
}

export interface DescriptorIndex {
  registry: FileRegistry;
  /** Full request type name of a method path (`/govern.content.v1.ContentService/AssessVideo`), if described. */
  inputTypeOf(path: string): string | undefined;
  planOf(typeName: string): MessagePlan | undefined;
}

const scalarKind = (scalar: ScalarType): Kind => {
  switch (scalar) {
    case ScalarType.STRING:
      return Kind.String;
    case ScalarType.BYTES:
      return Kind.Bytes;
    case ScalarType.DOUBLE:
      return Kind.Double;
    case ScalarType.FLOAT:
      return Kind.Float;
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return Kind.Fixed32;
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return Kind.Fixed64;
    default:
      return Kind.Other;
  }
};

const messageKind = (message: DescMessage): Kind => {
  if (message.typeName === 'google.protobuf.Timestamp') return Kind.Timestamp;
  if (message.typeName === 'google.protobuf.Duration') return Kind.Duration;
  return Kind.Message;
};

export const buildDescriptorIndex = (descriptorSet: Uint8Array, settings: EdgeGuardSettings): DescriptorIndex => {
  const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, descriptorSet));
  const plans = new Map<string, MessagePlan>();

  const limitsOf = (field: DescField, isMap: boolean): FieldLimits => {
    const override = settings.fields[`${field.parent.typeName}.${field.name}`] ?? {};
    return {
      maxChars: override.maxChars ?? settings.maxStringChars,
      maxBytes: override.maxBytes ?? settings.maxBytes,
      maxItems: override.maxItems ?? (isMap ? settings.maxMapEntries : settings.maxRepeatedItems),
    };
  };

  const ofMessage = (message: DescMessage) => ({ message: () => planFor(message), kind: messageKind(message) });
  const ofEnum = (values: readonly { number: number }[], typeName: string) => ({ kind: Kind.Enum, enumName: typeName, enumValues: new Set(values.map((v) => v.number)) });

  const ruleOf = (field: DescField): FieldRule => {
    const base = { name: field.name, repeated: false, ...limitsOf(field, field.fieldKind === 'map') };
    switch (field.fieldKind) {
      case 'scalar':
        return { ...base, kind: scalarKind(field.scalar) };
      case 'enum':
        return { ...base, ...ofEnum(field.enum.values, field.enum.typeName) };
      case 'message':
        return { ...base, ...ofMessage(field.message) };
      case 'list': {
        const element =
          field.listKind === 'scalar' ? { kind: scalarKind(field.scalar) } : field.listKind === 'enum' ? ofEnum(field.enum.values, field.enum.typeName) : ofMessage(field.message);
        return { ...base, ...element, repeated: true };
      }
      case 'map': {
        const key: FieldRule = { ...base, name: 'key', kind: scalarKind(field.mapKey) };
        const value: FieldRule =
          field.mapKind === 'scalar'
            ? { ...base, name: 'value', kind: scalarKind(field.scalar) }
            : field.mapKind === 'enum'
              ? { ...base, name: 'value', ...ofEnum(field.enum.values, field.enum.typeName) }
              : { ...base, name: 'value', ...ofMessage(field.message) };
        return { ...base, kind: Kind.Message, repeated: true, map: { key, value } };
      }
    }
  };

  const planFor = (message: DescMessage): MessagePlan => {
    let plan = plans.get(message.typeName);
    if (!plan) {
      const fields = new Map<number, FieldRule>();
      plan = { typeName: message.typeName, fields };
      plans.set(message.typeName, plan);
      for (const field of message.fields) fields.set(field.number, ruleOf(field));
    }
    return plan;
  };

  return {
    registry,
    inputTypeOf(path) {
      const [, serviceName, methodName] = path.split('/');
      const service = serviceName ? registry.getService(serviceName) : undefined;
      return service?.methods.find((m) => m.name === methodName)?.input.typeName;
    },
    planOf(typeName) {
      const message = registry.getMessage(typeName);
      return message ? planFor(message) : undefined;
    },
  };
};
