import { ValidationError, type FieldViolation } from './domain-error';

/**
 * Versioned policy documents. A domain lib keeps every version it has shipped, so any past
 * decision can be replayed with the version it was taken under, and names the active one:
 *
 *   export const FAST_REFUND_POLICIES = definePolicyVersions(
 *     { '2026-11-01.1': FAST_REFUND_POLICY_2026_11, '2026-12-01.1': FAST_REFUND_POLICY_2026_12 },
 *     '2026-12-01.1',
 *   );
 *
 * A new version is a new entry; an old one is never edited (records name it) and is removed
 * only when no record that names it is kept any more.
 */
export interface VersionedPolicy {
  readonly name: string;
  readonly version: string;
}

export interface PolicyVersions<P extends VersionedPolicy> {
  /** The document's name, shared by every version. */
  readonly name: string;
  /** The version live decisions are taken under. */
  readonly active: P;
  /** Every loadable version, active included, in the order given (oldest first by convention). */
  readonly versions: Readonly<Record<string, P>>;
  /** A version by its name, or undefined when it is not loadable. */
  find(version: string): P | undefined;
}

/**
 * Checks the table once, at module load: keys equal each document's `version`, one `name`
 * for all, the active version present. A mistake here is a programming error, so it throws.
 */
export const definePolicyVersions = <P extends VersionedPolicy>(versions: Readonly<Record<string, P>>, active: string): PolicyVersions<P> => {
  const entries = Object.entries(versions);
  const first = entries[0]?.[1];
  if (!first) throw new Error('definePolicyVersions: no versions');
  for (const [key, policy] of entries) {
    if (policy.version !== key) throw new Error(`definePolicyVersions: key "${key}" holds version "${policy.version}"`);
    if (policy.name !== first.name) throw new Error(`definePolicyVersions: "${policy.name}" ${key} is not a version of "${first.name}"`);
  }
  const activePolicy = versions[active];
  if (!activePolicy) throw new Error(`definePolicyVersions: active version "${active}" is not among ${entries.map(([k]) => k).join(', ')}`);
  const table: Readonly<Record<string, P>> = Object.freeze({ ...versions });
  return {
    name: first.name,
    active: activePolicy,
    versions: table,
    find: (version) => (Object.hasOwn(table, version) ? table[version] : undefined),
  };
};

type Shape = 'bigint' | 'number' | 'string' | 'boolean' | 'array' | 'object' | 'other';

const shapeOf = (value: unknown): Shape => {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'other';
  const type = typeof value;
  if (type === 'bigint' || type === 'number' || type === 'string' || type === 'boolean') return type;
  if (type === 'object' && Object.getPrototypeOf(value) === Object.prototype) return 'object';
  return 'other';
};

const SCALARS: ReadonlySet<Shape> = new Set<Shape>(['bigint', 'number', 'string', 'boolean']);
const MAX_OVERLAY_DEPTH = 16;

/**
 * A candidate policy made of the active one with some parameters replaced: what a backtest
 * runs when a governance team asks "and with a ¥150 cap?". `overlay` is plain data (decoded
 * JSON, bigints for money): nested objects merge, arrays and scalars replace. Every value
 * must have the type of the one it replaces (array elements the type of the base's first
 * element), and only existing keys may be named, so a typo or a unit error is refused with
 * the offending paths rather than silently ignored. `name` stays; `version` is the given one.
 */
export const overlayPolicy = <P extends VersionedPolicy>(base: P, overlay: unknown, version: string): P => {
  const violations: FieldViolation[] = [];
  const refuse = (field: string, description: string, reason = 'INVALID'): void => {
    violations.push({ field, description, reason });
  };

  const conform = (path: string, current: unknown, given: unknown, depth: number): unknown => {
    if (depth > MAX_OVERLAY_DEPTH) {
      refuse(path, `nests deeper than ${MAX_OVERLAY_DEPTH} levels`, 'TOO_DEEP');
      return current;
    }
    const expected = shapeOf(current);
    const actual = shapeOf(given);
    if (expected === 'other') {
      refuse(path, 'is not a parameter that can be replaced', 'NOT_A_PARAMETER');
      return current;
    }
    if (expected !== actual) {
      refuse(path, `must be ${expected === 'array' || expected === 'object' ? `an ${expected}` : `a ${expected}`}, not ${actual}`, 'WRONG_TYPE');
      return current;
    }
    if (expected === 'object') {
      const merged: Record<string, unknown> = { ...(current as Record<string, unknown>) };
      for (const [key, value] of Object.entries(given as Record<string, unknown>)) {
        if (!Object.hasOwn(current as object, key)) {
          refuse(`${path}.${key}`, 'is not a field of this policy', 'UNKNOWN_FIELD');
          continue;
        }
        merged[key] = conform(`${path}.${key}`, (current as Record<string, unknown>)[key], value, depth + 1);
      }
      return merged;
    }
    if (expected === 'array') {
      const template = (current as unknown[])[0];
      return (given as unknown[]).map((element, i) => {
        if (template !== undefined) return conform(`${path}[${i}]`, template, element, depth + 1);
        // An empty base array says nothing about its elements: only scalars are accepted then.
        if (!SCALARS.has(shapeOf(element))) refuse(`${path}[${i}]`, 'must be a scalar', 'WRONG_TYPE');
        return element;
      });
    }
    if (expected === 'number' && !Number.isFinite(given as number)) refuse(path, 'must be a finite number', 'WRONG_TYPE');
    return given;
  };

  if (shapeOf(overlay) !== 'object') throw new ValidationError([{ field: 'parameters', description: 'must be an object of policy fields', reason: 'WRONG_TYPE' }]);
  for (const key of ['name', 'version']) {
    if (Object.hasOwn(overlay as object, key)) refuse(`parameters.${key}`, 'names the policy and cannot be replaced', 'NOT_A_PARAMETER');
  }
  const result = conform('parameters', base, overlay, 0) as P;
  if (violations.length > 0) throw new ValidationError(violations, 'POLICY.PARAMETERS_INVALID');
  return { ...result, name: base.name, version };
};
