import { createHash } from 'node:crypto';
import { decodeDecisionJson as decode, encodeDecisionJson as encode } from '../codec/decision-json';
import { firstDifference, type Difference } from '../codec/first-difference';
import { overlayPolicy, type PolicyVersions, type Reason, type VersionedPolicy } from '@govern/policy-core';

/** A resource a decision is about: `{ type: 'after_sale', id: 'as-1' }`. */
export interface ResourceRef {
  type: string;
  id: string;
}

/** What the platform needs to know of an outcome: its code and its reasons. */
export interface DecisionSummary {
  /** The outcome in the kind's words: 'GRANTED', 'REJECTED', ... */
  outcome: string;
  reasons: readonly Reason[];
  /** A risk band or tier the outcome falls in (onboarding's RiskBand), for the governance counters. */
  band?: string | undefined;
}

/** A pure policy function of one version: the input as evaluated in, the outcome out. */
export type PolicyFunction<I, O> = (input: I) => O;

/**
 * A kind of decision as a service registers it: its pure policy per version, the active
 * version, how its inputs and outcomes are stored, and how to summarise and compare them.
 *
 * `I` is the input as evaluated — the normalised facts the policy reads, time included (a
 * rule that looks at "now" gets it in its input) — so that `versions[v](input)` is a pure
 * function and a replay recomputes the same outcome.
 */
export interface DecisionKind<I, O> {
  /** Unique within the service, lower-kebab-case: 'fast-refund', 'listing-gate'. */
  readonly kind: string;
  /** The policy document's name ('consumer-fast-refund'), recorded with each decision. */
  readonly policyName: string;
  /** Every loadable version; an old one stays after a new one ships, so records replay. */
  readonly versions: Readonly<Record<string, PolicyFunction<I, O>>>;
  readonly active: string;
  readonly encodeInput: (input: I) => string;
  /**
   * Reads a stored input back. When the input type grows, this is where a record written
   * before fills in what it lacks (as the version it names saw it).
   */
  readonly decodeInput: (text: string) => I;
  readonly encodeOutcome: (outcome: O) => string;
  readonly decodeOutcome: (text: string) => O;
  /** The first difference between a recorded and a recomputed outcome (default: deep compare). */
  readonly compare: (recorded: O, recomputed: O) => Difference | undefined;
  readonly summarize: (outcome: O) => DecisionSummary;
  /** Money the outcome moves (a refund granted), in fen; kinds that move no money leave it out. */
  readonly moneyAtStake?: ((input: I, outcome: O) => bigint | undefined) | undefined;
  /** Resources the decision is about, for listing by subject. */
  readonly subjectOf: (input: I) => readonly ResourceRef[];
  /**
   * A candidate made of the active policy with some parameters replaced (decoded JSON):
   * backtests of "what if the cap were ¥150". Throws ValidationError for parameters that do
   * not fit. Kinds built from policy documents get it from `decisionKindOfPolicies`.
   */
  readonly withParameters?: ((parameters: unknown) => PolicyFunction<I, O>) | undefined;
}

export type DecisionKindSpec<I, O> = Pick<DecisionKind<I, O>, 'kind' | 'policyName' | 'versions' | 'active' | 'summarize' | 'subjectOf'> &
  Partial<Omit<DecisionKind<I, O>, 'kind' | 'policyName' | 'versions' | 'active' | 'summarize' | 'subjectOf'>>;

const KIND_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * A decision kind with the defaults filled in: the decision codec for inputs and outcomes
 * (decoded values are trusted to be of the kind's types: the service wrote them) and the
 * deterministic deep compare. Checks the definition once; mistakes throw at start-up.
 */
export const defineDecisionKind = <I, O>(spec: DecisionKindSpec<I, O>): DecisionKind<I, O> => {
  if (!KIND_NAME.test(spec.kind) || spec.kind.length > 64) throw new Error(`decision kind "${spec.kind}": use lower-kebab-case, at most 64 characters`);
  if (!Object.hasOwn(spec.versions, spec.active)) throw new Error(`decision kind "${spec.kind}": active version "${spec.active}" is not among its versions`);
  return {
    encodeInput: encode,
    decodeInput: (text) => decode(text) as I,
    encodeOutcome: encode,
    decodeOutcome: (text) => decode(text) as O,
    compare: firstDifference,
    ...spec,
    versions: Object.freeze({ ...spec.versions }),
  };
};

/**
 * A decision kind over a domain lib's versioned policy documents: each version's function
 * is `decide(policy, input)`, and backtests may lay parameters over the active document.
 *
 *   export const fastRefundDecisions = decisionKindOfPolicies({
 *     kind: 'fast-refund',
 *     policies: FAST_REFUND_POLICIES,
 *     decide: (policy, input: FastRefundFacts) => decideFastRefund(input.request, input.at, policy),
 *     summarize: (d) => ({ outcome: d.outcome, reasons: d.reasons }),
 *     moneyAtStake: (_input, d) => d.refundFen,
 *     subjectOf: (input) => [{ type: 'after_sale', id: input.afterSaleId }],
 *   });
 */
export const decisionKindOfPolicies = <P extends VersionedPolicy, I, O>(
  spec: Omit<DecisionKindSpec<I, O>, 'policyName' | 'versions' | 'active' | 'withParameters'> & {
    policies: PolicyVersions<P>;
    decide: (policy: P, input: I) => O;
  },
): DecisionKind<I, O> => {
  const { policies, decide, ...rest } = spec;
  const versions: Record<string, PolicyFunction<I, O>> = {};
  for (const [version, policy] of Object.entries(policies.versions)) versions[version] = (input) => decide(policy, input);
  return defineDecisionKind<I, O>({
    ...rest,
    policyName: policies.name,
    versions,
    active: policies.active.version,
    withParameters: (parameters) => {
      const candidate = overlayPolicy(policies.active, parameters, parametersVersion(parameters));
      return (input) => decide(candidate, input);
    },
  });
};

/** The name a parameter candidate goes by: `parameters:<first 12 hex of sha-256 of its codec text>`. */
export const parametersVersion = (parameters: unknown): string =>
  `parameters:${createHash('sha256').update(encode(parameters)).digest('hex').slice(0, 12)}`;

/**
 * A kind with its types erased, as registries hold them. Sound because a registry only ever
 * passes a kind's own decoded values back to that kind's functions.
 */
export type AnyDecisionKind = DecisionKind<unknown, unknown>;

/** A kind of any input and outcome types, as a service lists its kinds (TypeScript has no existential types). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SomeDecisionKind = DecisionKind<any, any>;
