import { SERVICE_NAMES } from './service-registry';

/**
 * The language of the services' authorization tables: who may call each RPC is part of a
 * service's contract, so each table lives in its contracts lib (`libs/contracts/<service>`)
 * where the service that enforces it, the operator console that shows what a person may do and
 * the CLI that issues development tokens all import it. Enforcement (decide, PolicyTable, the
 * middleware, rate limiting) is platform-auth's.
 */

/** A per-caller, per-RPC rate. */
export interface RateLimit {
  /** Sustained rate: units per minute (a unit is one call unless `cost` says otherwise). */
  perMinute: number;
  /** Largest burst; default `perMinute`. */
  burst?: number;
}

/**
 * Who may call one RPC. A rule admits a caller when the caller is one of `services` (a
 * service by its client certificate, or a system by its token's client id) or holds one of
 * `roles`. `public` admits everyone, anonymous callers included (health, reflection).
 */
export type RpcRule<Request = unknown, Response = unknown> =
  | { readonly public: true }
  | {
      readonly public?: false;
      readonly services?: readonly string[];
      readonly roles?: readonly string[];
      /**
       * What a mutation acts on, for its audit record (`audit_records.resource_type/_id`): every
       * mutation declares it (the policy spec fails otherwise), reads leave it out.
       */
      readonly resource?: AuditResource<Request, Response>;
      /** Per caller, per RPC. */
      readonly rateLimit?: RateLimit & {
        /** Units one request takes (e.g. the number of identifiers it looks up); default 1. Streams cost 1 per call. */
        readonly cost?: (request: Request) => number;
      };
    };

/**
 * The resource of a mutation: its type in the service's words and its id, read from the request,
 * or from the response for a resource the call creates (an application, a campaign). An id the
 * call does not have (an empty field) falls back to the request id in the record.
 */
export interface AuditResource<Request = never, Response = never> {
  readonly type: string;
  readonly id: (request: Request, response: Response) => string | undefined;
}

type MethodsOf<Definition> = Definition extends { readonly methods: infer Methods } ? Methods : never;
type RequestOf<Method> = Method extends { readonly requestStream: true } ? unknown : Method extends { readonly requestType: { decode(...args: never[]): infer R } } ? R : unknown;
type ResponseOf<Method> = Method extends { readonly responseStream: true } ? unknown : Method extends { readonly responseType: { decode(...args: never[]): infer R } } ? R : unknown;

/**
 * The table of one gRPC service, keyed by RPC name as the proto spells it (`RecordViolation`).
 * Typed from the ts-proto service definition: leaving an RPC out, or naming one the service
 * does not have, is a compile error; `cost` sees the RPC's request type, `resource` its request
 * and response types.
 */
export type AuthorizationPolicy<Definition> = {
  readonly [K in keyof MethodsOf<Definition> as MethodsOf<Definition>[K] extends { readonly name: infer N extends string } ? N : never]: RpcRule<
    RequestOf<MethodsOf<Definition>[K]>,
    ResponseOf<MethodsOf<Definition>[K]>
  >;
};

/** A policy bound to its service's full name, ready for the middleware. */
export interface ServicePolicy {
  /** e.g. `govern.merchant_access.v1.MerchantAccessService`. */
  readonly service: string;
  readonly rules: Readonly<Record<string, RpcRule<never, never>>>;
}

/** `definePolicy(MerchantAccessServiceDefinition, { RecordViolation: { roles: ['operator'] }, … })`. */
export const definePolicy = <Definition extends { readonly fullName: string }>(definition: Definition, rules: NoInfer<AuthorizationPolicy<Definition>>): ServicePolicy => ({
  service: definition.fullName,
  rules: rules as unknown as Record<string, RpcRule<never, never>>,
});

/**
 * The names authorization tables use, in one place so a typo is a compile error.
 *
 * Roles are held by people (and, rarely, by external systems) through their tokens. None
 * implies another: a table lists every role it admits, so reading one row says who can call.
 */
export const GOVERN_ROLES = {
  /** Governance operations: violations, sanctions, bans, removals, review and appeal decisions, campaigns. */
  operator: 'operator',
  /** Money: fund contributions, advance compensation, manual deposits; reads the ledgers. */
  finance: 'finance',
  /** Ring investigations: CheckIdentifierLinks (rate-limited), the onboarding review queue (reading). */
  riskReviewer: 'risk-reviewer',
  /** Read-only: governance statistics, decisions, ledgers, audit trails. */
  auditor: 'auditor',
  /** Customer service: files complaints and escalates after-sales for buyers; reads orders. */
  support: 'support',
} as const;

export type GovernRole = (typeof GOVERN_ROLES)[keyof typeof GOVERN_ROLES];

/** Govern's own services, the registry's (SPIFFE IDs `spiffe://govern/<name>`): proven by client certificate only. */
export const GOVERN_SERVICES = SERVICE_NAMES;

/**
 * The platform's services that call Govern, by workload name: a client certificate
 * `spiffe://govern/<name>` inside the mesh, or a client-credentials token whose client_id is
 * the name from outside it. DRAFT: the platform teams confirm these names at rollout.
 */
export const PLATFORM_CALLERS = {
  /** Product publishing: the listing gate on publish and edit. */
  listing: 'listing',
  /** Orders and payments: records orders, shipments, reviews. */
  order: 'order',
  /** Carriers' tracking feed: scans and return shipments. */
  logistics: 'logistics',
  /** The buyer app's after-sale and complaint desk. */
  buyerService: 'buyer-service',
  /** Merchants' back office: applications, appeals, counter-notices, after-sale answers, deposits. */
  merchantCenter: 'merchant-center',
  /** Brand owners' portal: brand registration, authorisations, IP complaints. */
  brandPortal: 'brand-portal',
  /** Accredited inspection labs and warehouses: lab results, lot inspections. */
  inspection: 'inspection',
  /** Short-video publishing: assessment on publish. */
  video: 'video',
  /** Creators' back office: penalties, appeals, credit. */
  creatorCenter: 'creator-center',
  /** The livestream platform: sessions and their signal streams. */
  live: 'live',
  /** Search, recommendation and traffic allocation: standings, scores, tiers on the hot path. */
  traffic: 'traffic',
} as const;
