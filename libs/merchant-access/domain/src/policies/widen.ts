/**
 * The shape of a policy document without its literal values: `typeof POLICY` pins every number
 * to its default, so rules take `Widen<typeof POLICY>` and accept any version of the document
 * (a new version, a replayed old one, a test's variant).
 */
export type Widen<T> = T extends string
  ? string
  : T extends number
    ? number
    : T extends boolean
      ? boolean
      : T extends bigint
        ? bigint
        : T extends readonly (infer U)[]
          ? readonly Widen<U>[]
          : T extends object
            ? { readonly [K in keyof T]: Widen<T[K]> }
            : T;
