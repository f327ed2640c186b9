import { HealthDefinition } from '@govern/contracts-common';
import { createServer, ServerError, Status, type CompatServiceDefinition, type ServiceImplementation } from 'nice-grpc';
import { errorDetailsServerMiddleware } from 'nice-grpc-error-details';
import { ServerReflectionService } from 'nice-grpc-server-reflection';
import { serverObservationMiddleware, type ServiceMetrics, type Telemetry } from '@govern/platform-observability';
import type { Logger } from 'pino';
import {
  authorizationMiddleware,
  callerIdentityMiddleware,
  createServerCredentials,
  DEFAULT_TRUST_DOMAIN,
  metadataInterceptor,
  peerIdentityStep,
  PolicyTable,
  type Denial,
  type RateLimiter,
  type ServicePolicy,
  type TokenVerifier,
  type TransportSecurity,
} from '@govern/platform-auth';
import type { GrpcCallContextExt } from './call-context';
import { callScopeMiddleware, runInCallScope } from './call-scope';
import { DEFAULT_ANSWER_LIMITS, type AnswerLimits } from './bounded-answer';
import { deadlineStep } from './deadline';
import { createEdgeGuard, edgeGuardMiddleware } from './edge-guard/edge-guard';
import { DEFAULT_EDGE_GUARD_SETTINGS, type EdgeGuardSettings } from './edge-guard/settings';
import { mergeDescriptorSets } from './descriptor-set';
import { createHealthRegistry, type GrpcHealth } from './health';
import { createReflectionImplementation, ServerReflectionV1AlphaService } from './reflection';
import { callLogMiddleware, callSignalMiddleware, createTerminator, errorMappingMiddleware } from './server-middleware';

export interface GrpcServerOptions {
  /** Short service name, e.g. `content`: ErrorInfo.domain becomes `content.govern`. */
  serviceName: string;
  logger: Logger;
  /** FileDescriptorSets for reflection (codegen's `descriptor-set.binpb` of each contracts lib used, common included). */
  descriptorSets: readonly Uint8Array[];
  /** Larger requests are refused with RESOURCE_EXHAUSTED by grpc-js. Default 4 MiB. */
  maxReceiveMessageBytes?: number;
  /** How long shutdown waits for in-flight calls before cancelling them. Default 10 s. */
  shutdownGraceMs?: number;
  /** Bounds every request is held to before its handler runs (DEFAULT_EDGE_GUARD_SETTINGS; spread it to override). */
  edgeGuard?: EdgeGuardSettings;
  /** Bounds of every error answer, incl. the trailer budget (DEFAULT_ANSWER_LIMITS). */
  answerLimits?: AnswerLimits;
  /** Errors that mean a dependency is down (answered UNAVAILABLE, not INTERNAL); see ErrorMappingContext. */
  isUnavailable?: (error: unknown) => boolean;
  /** A SERVER span per call, current for the handler (log lines carry its trace_id). The runtime always passes it; bare kit tests may not. */
  telemetry?: Pick<Telemetry, 'tracer'>;
  /** grpc_server_handled_total / grpc_server_handling_seconds by method and the code the client receives. */
  metrics?: Pick<ServiceMetrics, 'rpcServer'>;
  /**
   * TLS material, or `{ mode: 'plaintext' }` chosen explicitly (development only): there is
   * no default, so a server never ends up plaintext by omission.
   */
  transport: TransportSecurity;
  /** Verifies bearer tokens; without one, a call carrying a token is refused (certificates only). */
  tokens?: TokenVerifier | undefined;
  /** SPIFFE trust domain of client certificates (`spiffe://<domain>/<service>`). Default `govern`. */
  trustDomain?: string;
  /** Told about every refused call (audit/metrics); the call log line carries the reason already. */
  onDenied?: (denial: Denial) => void;
  /** Per-caller rate limits of the policy tables (a test injects one with its own clock). */
  rateLimiter?: RateLimiter;
}

/** A service's handlers; methods left out answer UNIMPLEMENTED until they land. */
export type GrpcServiceImplementation<Service extends CompatServiceDefinition> = Partial<ServiceImplementation<Service, GrpcCallContextExt>>;

export type Closer = () => unknown;

export interface GrpcServer {
  /**
   * Serves `definition` with `implementation`, authorized by `policy` (who may call which RPC):
   * no service is served without its table, and an RPC without a rule is refused.
   */
  add<Service extends CompatServiceDefinition>(definition: Service, implementation: GrpcServiceImplementation<Service>, policy: ServicePolicy): void;
  /** Binds `host:port` (`127.0.0.1:0` picks a free port), marks the services SERVING, resolves to the port. */
  listen(address: string): Promise<number>;
  readonly health: GrpcHealth;
  /** Who may call what: the tables given to `add`, with health and reflection open. */
  readonly policies: PolicyTable;
  /** Runs `closer` after the drain on shutdown; closers run in reverse order of registration. */
  onShutdown(closer: Closer, name?: string): void;
  /** NOT_SERVING, stop accepting, drain in-flight calls (cancel after the grace), run closers. Idempotent. */
  shutdown(): Promise<void>;
}

export const DEFAULT_MAX_RECEIVE_MESSAGE_BYTES = 4 * 1024 * 1024;
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;

interface MethodShape {
  key: string;
  path: string;
}

/** Full service name and methods of any definition nice-grpc accepts (ts-proto, nice-grpc, grpc-js). */
const describeService = (definition: CompatServiceDefinition): { fullName: string; methods: MethodShape[] } => {
  const def = definition as Record<string, unknown>;
  if (typeof def['fullName'] === 'string' && typeof def['methods'] === 'object' && def['methods'] !== null) {
    const fullName = def['fullName'];
    const methods = Object.entries(def['methods'] as Record<string, { name: string }>).map(([key, method]) => ({
      key,
      path: `/${fullName}/${method.name}`,
    }));
    return { fullName, methods };
  }
  const methods = Object.entries(def as Record<string, { path: string }>).map(([key, method]) => ({ key, path: method.path }));
  return { fullName: methods[0]?.path.split('/')[1] ?? '', methods };
};

const unimplemented = (path: string) => (): never => {
  throw new ServerError(Status.UNIMPLEMENTED, `${path} is not implemented yet`);
};

/**
 * The gRPC server every Govern service runs: health (`grpc.health.v1`) and reflection
 * always registered; one middleware chain (per-call logger and request id, deadline and
 * cancellation, the one error mapper, error details in `grpc-status-details-bin`);
 * graceful shutdown. See README.md for how a service wires it.
 */
export const createGrpcServer = (options: GrpcServerOptions): GrpcServer => {
  const { serviceName, logger } = options;
  const graceMs = options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
  const descriptors = mergeDescriptorSets(options.descriptorSets);
  if (descriptors.conflicts.length > 0) {
    logger.warn({ files: descriptors.conflicts }, 'descriptor sets disagree on these files; reflection serves the first');
  }
  const answerLimits = options.answerLimits ?? DEFAULT_ANSWER_LIMITS;
  const guard = createEdgeGuard(descriptors.bytes, options.edgeGuard ?? DEFAULT_EDGE_GUARD_SETTINGS);
  const terminator = createTerminator();
  const registry = createHealthRegistry();
  const trustDomain = options.trustDomain ?? DEFAULT_TRUST_DOMAIN;
  const policies = new PolicyTable();
  // Tracing first, so the `rpc finished` line is written inside the call's span; metrics
  // outside the error mapper, so they count the status the client gets.
  const base = createServer({
    'grpc.max_receive_message_length': options.maxReceiveMessageBytes ?? DEFAULT_MAX_RECEIVE_MESSAGE_BYTES,
    // One interceptor for both steps (each interceptor wraps every call once more). The peer
    // identity first and the interceptor alone: it is handed grpc-js' own call, whose connection
    // it remembers (see there).
    interceptors: [metadataInterceptor(peerIdentityStep(trustDomain), deadlineStep)],
  });
  // The span and the metrics in one middleware (see there).
  const observed = options.telemetry || options.metrics ? base.use(serverObservationMiddleware({ telemetry: options.telemetry, metrics: options.metrics })) : base;
  const server = observed
    .use(callLogMiddleware(logger))
    .use(errorDetailsServerMiddleware)
    .use(callSignalMiddleware(terminator))
    .use(errorMappingMiddleware(serviceName, Date.now, answerLimits, options.isUnavailable))
    // Who calls, then whether they may, before the request's bounds are checked: an anonymous
    // or unauthorized caller learns nothing about what a valid request looks like.
    .use(callerIdentityMiddleware({ serviceName, tokens: options.tokens, trustDomain }))
    .use(callScopeMiddleware(policies))
    .use(
      authorizationMiddleware({
        serviceName,
        policies,
        ...(options.onDenied ? { onDenied: options.onDenied } : {}),
        ...(options.rateLimiter ? { rateLimiter: options.rateLimiter } : {}),
      }),
    )
    .use(edgeGuardMiddleware);

  const services: string[] = [];
  const closers: Array<{ name: string; close: Closer }> = [];
  let listening = false;
  let internalRegistered = false;
  let shuttingDown: Promise<void> | undefined;

  const register = (definition: CompatServiceDefinition, implementation: object, internal = false): void => {
    const { fullName, methods } = describeService(definition);
    const given = implementation as Record<string, unknown>;
    const missing = methods.filter(({ key }) => typeof given[key] !== 'function');
    const complete: Record<string, unknown> = {};
    for (const { key, path } of methods) {
      const method = given[key];
      complete[key] = typeof method === 'function' ? runInCallScope(method.bind(implementation)) : unimplemented(path);
    }
    if (missing.length > 0 && fullName !== HealthDefinition.fullName) {
      logger.warn({ service: fullName, methods: missing.map((m) => m.key) }, 'methods not implemented answer UNIMPLEMENTED');
    }
    server.add(guard.guardDefinition(definition), complete as ServiceImplementation<CompatServiceDefinition, GrpcCallContextExt>);
    if (!internal) services.push(fullName);
  };

  return {
    add(definition, implementation, policy) {
      if (listening || internalRegistered) throw new Error('add() must be called before listen()');
      const { fullName } = describeService(definition);
      if (policy.service !== fullName) throw new Error(`the policy given for ${fullName} is the table of ${policy.service}`);
      policies.add(policy);
      register(definition, implementation);
    },
    health: registry.health,
    policies,

    async listen(address) {
      if (listening) throw new Error('listen() has already been called');
      if (shuttingDown) throw new Error('listen() after shutdown()');
      listening = true;
      const appServices = [...services];
      if (!internalRegistered) {
        const described = new Set(descriptors.files.flatMap((file) => file.services));
        const reflected = [...appServices, HealthDefinition.fullName];
        const undescribed = reflected.filter((name) => !described.has(name));
        if (undescribed.length > 0) logger.warn({ services: undescribed }, 'no descriptor for these services: reflection cannot describe them');
        register(HealthDefinition, registry.implementation, true);
        const reflection = createReflectionImplementation(descriptors.bytes, reflected);
        register(ServerReflectionService, reflection, true);
        register(ServerReflectionV1AlphaService, reflection, true);
        internalRegistered = true;
      }
      let port: number;
      try {
        port = await server.listen(address, createServerCredentials(options.transport));
      } catch (error) {
        // Nothing was bound: the server stays as before, so listen() can be retried (another
        // port) and shutdown() still runs the closers.
        listening = false;
        const reason = error instanceof Error ? error.message : String(error);
        logger.error({ address, err: error }, 'gRPC server could not listen');
        throw new Error(`gRPC server could not listen on ${address}: ${reason}`, { cause: error });
      }
      registry.startServing(appServices);
      const { transport } = options;
      const security =
        transport.mode === 'tls'
          ? { transport: 'tls', client_auth: transport.clientAuth, certificate_sans: transport.identity.subjectAltName, certificate_valid_to: transport.identity.validTo }
          : { transport: 'plaintext' };
      logger.info({ address, port, services: appServices, ...security, tokens: options.tokens ? 'accepted' : 'refused' }, 'gRPC server listening');
      return port;
    },

    onShutdown(close, name = close.name || `closer #${closers.length + 1}`) {
      closers.push({ name, close });
    },

    shutdown() {
      shuttingDown ??= (async () => {
        const failures: unknown[] = [];
        logger.info('shutdown: health NOT_SERVING');
        registry.stopServing();
        // Let health watchers receive NOT_SERVING before their streams are ended.
        await new Promise((resolve) => setImmediate(resolve));
        terminator.terminate();

        logger.info({ grace_ms: graceMs }, 'shutdown: refusing new calls, draining in-flight calls');
        let timer: NodeJS.Timeout | undefined;
        const graceful = server.shutdown().then(
          () => 'drained' as const,
          (error: unknown) => {
            failures.push(error);
            logger.error({ err: error }, 'shutdown: graceful stop failed');
            return 'failed' as const;
          },
        );
        const outcome = await Promise.race([graceful, new Promise<'timeout'>((resolve) => (timer = setTimeout(resolve, graceMs, 'timeout')))]);
        clearTimeout(timer);
        if (outcome === 'drained') logger.info('shutdown: drained');
        else {
          logger.warn('shutdown: cancelling the calls still running');
          server.forceShutdown();
        }

        for (const { name, close } of [...closers].reverse()) {
          logger.info({ closer: name }, 'shutdown: closing');
          try {
            await close();
          } catch (error) {
            failures.push(error);
            logger.error({ err: error, closer: name }, 'shutdown: closer failed');
          }
        }
        if (failures.length > 0) throw new AggregateError(failures, `shutdown: ${failures.length} step(s) failed`);
        logger.info('shutdown complete');
      })();
      return shuttingDown;
    },
  };
};
