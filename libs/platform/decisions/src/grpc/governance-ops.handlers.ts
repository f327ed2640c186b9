import {
  BacktestBaseline,
  DecisionView,
  SetShadowPolicyRequest,
  SetShadowPolicyResponse,
  type Actor,
  type GovernanceOpsServiceDefinition,
} from '@govern/contracts-common';
import { actorOf as actorOfCallerIdentity, type CallerContextExt } from '@govern/platform-auth';
import type { SqlTx, TransactionalClient } from '@govern/platform-db';
import type { EventBus } from '@govern/platform-events';
import type { GrpcCallContext, GrpcServiceImplementation } from '@govern/platform-grpc';
import { runMutation } from '@govern/platform-runtime';
import { DomainError } from '@govern/policy-core';
import type { DecisionLog } from '../decision-log';
import { auditOpsHandlers } from './audit-ops.handlers';
import { eventOpsHandlers } from './event-ops.handlers';
import { backtestResponseOf, decisionKindOf, decisionRecordOf, replayResultOf, shadowKindReportOf, shadowPolicyOf } from './ops-mapping';
import { checked, OpsChecks, pageTokenAfter } from './request-checks';

export interface GovernanceOpsOptions {
  /** Short service name: idempotency scopes become `<service>.ops.<Rpc>`. */
  serviceName: string;
  /** The service's Prisma client: SetShadowPolicy runs as an idempotent mutation on it. */
  db: TransactionalClient<SqlTx>;
  decisions: DecisionLog;
  /**
   * The authenticated caller as actor, recorded with SetShadowPolicy (and, later,
   * RedriveDeadLetter); undefined refuses the change. Default: `callerActor`, the caller
   * platform-auth's identity middleware puts in the call context.
   */
  actorOf?: (context: GrpcCallContext) => Actor | undefined;
  /**
   * Events for operators (ListEvents, GetEvent, ListDeadLetters, RedriveDeadLetter). The
   * events the service produced are read from its outbox through `db` without anything here;
   * `bus` (the service context's) adds its consumers' dead letters and their re-drive, and
   * `descriptorSets` (the service's contracts) payloads as JSON and the resources of events.
   */
  events?: { bus?: Pick<EventBus, 'publish' | 'deadLetters'>; descriptorSets?: readonly Uint8Array[] };
}

/** The caller platform-auth's identity middleware established, as actor; undefined when none or anonymous. */
export const callerActor = (context: GrpcCallContext): Actor | undefined => {
  const caller = (context as GrpcCallContext & Partial<CallerContextExt>).caller;
  return caller && caller.kind !== 'anonymous' ? actorOfCallerIdentity(caller) : undefined;
};

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 500;

/**
 * govern.ops.v1.GovernanceOpsService over a service's decision log. Handlers check the
 * request, call the log and map; errors go through the server kit's one error mapper.
 * ListEvents, GetEvent, ListDeadLetters and RedriveDeadLetter: see `events` and event-ops.handlers.ts;
 * ListAuditRecords: audit-ops.handlers.ts, over the service's `audit_records` through `db`.
 */
export const governanceOpsHandlers = (options: GovernanceOpsOptions): GrpcServiceImplementation<typeof GovernanceOpsServiceDefinition> => {
  const { decisions } = options;
  const actorOf = options.actorOf ?? callerActor;
  return {
    ...eventOpsHandlers({
      serviceName: options.serviceName,
      db: options.db,
      actorOf,
      ...(options.events?.bus ? { bus: options.events.bus } : {}),
      ...(options.events?.descriptorSets ? { descriptorSets: options.events.descriptorSets } : {}),
    }),
    ...auditOpsHandlers({ db: options.db }),
    async listDecisionKinds(_request, context) {
      const settings = new Map((await decisions.shadowPolicies({ deadline: context.deadline })).map((s) => [s.kind, s]));
      return { kinds: decisions.kinds().map((kind) => decisionKindOf(kind, settings.get(kind.kind))) };
    },

    async getDecision(request, context) {
      const checks = new OpsChecks();
      const decisionId = checks.required('decision_id', request.decisionId, 128);
      checks.throwIfAny();
      return { decision: decisionRecordOf(await decisions.getDecision(decisionId, { deadline: context.deadline })) };
    },

    async listDecisions(request, context) {
      const checks = new OpsChecks();
      const filter = {
        kind: checks.optional('kind', request.kind, 64),
        subject: checks.subject('subject', request.subject),
        window: checks.window('window', request.window, false),
        correlationId: checks.optional('correlation_id', request.correlationId, 128),
      };
      const limit = checks.count('page_size', request.pageSize, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
      const full = request.view === DecisionView.DECISION_VIEW_FULL;
      const before = checks.pageToken('page_token', request.pageToken, filter);
      checks.throwIfAny();
      const page = await decisions.listDecisions(filter, { limit: limit + 1, before, full }, { deadline: context.deadline });
      const shown = page.slice(0, limit);
      const last = shown[shown.length - 1];
      return {
        decisions: shown.map(decisionRecordOf),
        nextPageToken: page.length > limit && last ? pageTokenAfter({ decidedAt: last.decidedAt, id: last.id }, filter) : '',
      };
    },

    async replayDecision(request, context) {
      const checks = new OpsChecks();
      const decisionId = checks.required('decision_id', request.decisionId, 128);
      checks.throwIfAny();
      return { result: replayResultOf(await decisions.replayDecision(decisionId, { deadline: context.deadline })) };
    },

    async replayDecisions(request, context) {
      const checks = new OpsChecks();
      const kind = checks.optional('kind', request.kind, 64);
      const window = checks.window('window', request.window, true);
      const maxDecisions = checks.count('max_decisions', request.maxDecisions, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
      const maxResults = checks.count('max_results', request.maxResults, 20, 200);
      checks.throwIfAny();
      const report = await decisions.replayDecisions({ kind, window: checked(window), maxDecisions, maxResults, deadline: context.deadline });
      return {
        replayed: BigInt(report.replayed),
        identical: BigInt(report.identical),
        different: BigInt(report.different),
        notReplayable: BigInt(report.notReplayable),
        truncated: report.truncated,
        results: report.results.map(replayResultOf),
      };
    },

    async setShadowPolicy(request, context) {
      const checks = new OpsChecks();
      checks.required('kind', request.kind, 64);
      const candidateVersion = checks.optional('candidate_version', request.candidateVersion, 128);
      const note = checks.optional('note', request.note, 500);
      checks.throwIfAny();
      const actor = actorOf(context);
      if (!actor) throw new DomainError('PERMISSION_DENIED', 'OPS.ACTOR_REQUIRED', 'A shadow policy is set by an authenticated caller, who is recorded');
      return runMutation(
        options.db,
        {
          scope: `${options.serviceName}.ops.SetShadowPolicy`,
          request,
          requestCodec: SetShadowPolicyRequest,
          responseCodec: SetShadowPolicyResponse,
          deadline: context.deadline,
        },
        async (tx) => {
          const setting = await decisions.setShadowPolicy(tx, { kind: request.kind, candidateVersion, enabled: request.enabled, note, actor, requestId: request.requestId });
          return { shadowPolicy: shadowPolicyOf(setting) };
        },
      );
    },

    async getShadowReport(request, context) {
      const checks = new OpsChecks();
      const window = checks.window('window', request.window, true);
      const kind = checks.optional('kind', request.kind, 64);
      const topN = checks.count('top_n', request.topN, 10, 100);
      const exampleLimit = checks.count('example_limit', request.exampleLimit, 3, 20);
      checks.throwIfAny();
      const reports = await decisions.shadowReport({ window: checked(window), kind, topN, exampleLimit, deadline: context.deadline });
      return { reports: reports.map(shadowKindReportOf) };
    },

    async runBacktest(request, context) {
      const checks = new OpsChecks();
      const kind = checks.required('kind', request.kind, 64);
      const window = checks.window('window', request.window, true);
      let candidate: { version: string } | { parameters: unknown } | undefined;
      if (request.candidateVersion !== undefined && request.candidateVersion !== '') {
        candidate = { version: checks.required('candidate_version', request.candidateVersion, 128) };
      } else if (request.candidateParametersJson !== undefined && request.candidateParametersJson !== '') {
        const parameters = checks.decisionJson('candidate_parameters_json', request.candidateParametersJson);
        if (parameters !== undefined) candidate = { parameters };
      } else {
        checks.add('candidate', 'name a candidate_version or give candidate_parameters_json', 'REQUIRED');
      }
      const exampleLimit = checks.count('example_limit', request.exampleLimit, 5, 50);
      const maxDecisions = checks.count('max_decisions', request.maxDecisions, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
      checks.throwIfAny();
      const report = await decisions.runBacktest({
        kind,
        candidate: checked(candidate),
        window: checked(window),
        baseline: request.baseline === BacktestBaseline.BACKTEST_BASELINE_ACTIVE_VERSION ? 'ACTIVE_VERSION' : 'RECORDED',
        exampleLimit,
        maxDecisions,
        deadline: context.deadline,
      });
      return backtestResponseOf(report);
    },
  };
};
