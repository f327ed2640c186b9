/**
 * Proto enums <-> the short names domain code and the databases use (`LISTING_ACTION_PUBLISH` ↔
 * `PUBLISH`), derived from the generated enum object so a new value needs no mapping code.
 * UNSPECIFIED and numbers the contract does not define read as undefined.
 */
type ProtoEnumObject = Record<string, string | number>;

/** The short names of a ts-proto enum: its keys without `prefix`, UNSPECIFIED excluded. */
export type EnumName<E extends ProtoEnumObject, Prefix extends string> = Exclude<
  { [K in keyof E]: K extends `${Prefix}${infer Name}` ? Name : never }[keyof E],
  'UNSPECIFIED'
>;

export interface EnumCodec<Name extends string> {
  readonly names: readonly Name[];
  fromProto(value: number): Name | undefined;
  /** The proto number of a name; 0 (UNSPECIFIED) for null, undefined or a name the contract lacks. */
  toProto(name: Name | string | null | undefined): number;
}

export const protoEnum = <E extends ProtoEnumObject, const Prefix extends string>(values: E, prefix: Prefix): EnumCodec<EnumName<E, Prefix>> => {
  type Name = EnumName<E, Prefix>;
  const byNumber = new Map<number, Name>();
  const byName = new Map<string, number>();
  for (const [key, number] of Object.entries(values)) {
    if (typeof number !== 'number' || !key.startsWith(prefix) || number === 0) continue;
    const name = key.slice(prefix.length) as Name;
    byNumber.set(number, name);
    byName.set(name, number);
  }
  if (byNumber.size === 0) throw new Error(`no enum value starts with ${prefix}`);
  return {
    names: [...byNumber.values()],
    fromProto: (value) => byNumber.get(value),
    toProto: (name) => (name ? (byName.get(name) ?? 0) : 0),
  };
};

/** What the checks need from an enum: any service codec with `fromProto` (and `names` for the message). */
export interface EnumDecoder<Name extends string> {
  fromProto(value: number): Name | undefined;
  readonly names?: readonly string[];
}
