import { createFileRegistry, fromBinary, type DescMessage } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { mergeDescriptorSets } from '@govern/platform-grpc';
import fc from 'fast-check';
import { caseArbitrary, type CaseKind, type FuzzCase } from './message-cases';
import { createRawGrpcClient, type RawAnswer, type RawGrpcClient } from './raw-client';

/**
 * The fuzz property, per unary RPC, from the proto descriptors alone: whatever bytes a client
 * sends, the answer is never INTERNAL or UNKNOWN, never a hang (the per-call deadline passing)
 * and never a lost connection; every INVALID_ARGUMENT carries BadRequest field violations; and
 * after the run the server is SERVING and a well-formed call on the same connection answers.
 * Cases are drawn by fast-check from a seed, so `FUZZ_SEED=<seed>` replays a run exactly.
 */
export interface FuzzRpc {
  /** `/govern.content.v1.ContentService/AssessVideo` */
  path: string;
  input: DescMessage;
}

export type FuzzProblem =
  | 'INTERNAL'
  | 'UNKNOWN'
  | 'hang (deadline passed)'
  | 'connection lost (UNAVAILABLE)'
  | 'DATA_LOSS'
  | 'INVALID_ARGUMENT without field violations'
  | 'not SERVING afterwards'
  | 'well-formed call failed afterwards';

export interface FuzzFailure {
  rpc: string;
  /** 0-based index of the case in the run of this RPC (the seed reproduces it). */
  caseIndex: number;
  kind: CaseKind | 'after';
  label: string;
  problem: FuzzProblem;
  code: string;
  /** The answer's message, cut short. */
  message: string;
}

export interface RpcFuzzReport {
  rpc: string;
  seed: number;
  runs: number;
  failures: FuzzFailure[];
  /** How many answers of each status the run got (to see what the cases reached). */
  codes: Record<string, number>;
  /** Field-violation reasons the answers carried, with how often (to compare against REASON). */
  reasons: Record<string, number>;
  /**
   * Hostile inputs the RPC answered OK (at most 20 labels): not a failure of the property, but
   * worth a look (an unknown enum number, a negative amount or a year-1 time taken as valid).
   */
  accepted: string[];
}

export interface FuzzOptions {
  /** Base seed: each RPC derives its own from it and its path. */
  seed: number;
  /** Generated cases per RPC (the first one is always the empty message). Default 50. */
  runs?: number;
  /** Per-call deadline: an answer later than this is a hang. Default 15 s (2 shared cores). */
  deadlineMs?: number;
}

/**
 * The seed of a run: FUZZ_SEED as given; `random` draws a fresh one (printed with every failure,
 * so that run can be replayed); unset, a fixed default, so CI answers the same for the same code.
 */
export const DEFAULT_FUZZ_SEED = 20_261_201;

export const fuzzSeedFrom = (value: string | undefined): number => {
  if (value === 'random') return Math.floor(Math.random() * 2 ** 31);
  const parsed = value === undefined || value === '' ? Number.NaN : Number(value);
  return Number.isSafeInteger(parsed) ? parsed : DEFAULT_FUZZ_SEED;
};

const seedFor = (seed: number, path: string): number => {
  let hash = seed | 0;
  for (let i = 0; i < path.length; i++) hash = (Math.imul(hash, 31) + path.charCodeAt(i)) | 0;
  return hash;
};

/** Every unary RPC the descriptor sets declare, of the `govern.*` services unless `services` names others. */
export const unaryRpcsOf = (descriptorSets: readonly Uint8Array[], services?: readonly string[]): FuzzRpc[] => {
  const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, mergeDescriptorSets(descriptorSets).bytes));
  const rpcs: FuzzRpc[] = [];
  for (const file of registry.files) {
    for (const service of file.services) {
      if (services ? !services.includes(service.typeName) : !service.typeName.startsWith('govern.')) continue;
      for (const method of service.methods) {
        if (method.methodKind === 'unary') rpcs.push({ path: `/${service.typeName}/${method.name}`, input: method.input });
      }
    }
  }
  return rpcs;
};

const problemOf = (answer: RawAnswer): FuzzProblem | undefined => {
  switch (answer.code) {
    case GrpcStatus.INTERNAL:
      return 'INTERNAL';
    case GrpcStatus.UNKNOWN:
      return 'UNKNOWN';
    case GrpcStatus.DEADLINE_EXCEEDED:
      return 'hang (deadline passed)';
    case GrpcStatus.UNAVAILABLE:
      return 'connection lost (UNAVAILABLE)';
    case GrpcStatus.DATA_LOSS:
      return 'DATA_LOSS';
    case GrpcStatus.INVALID_ARGUMENT:
      return (answer.details?.fieldViolations.length ?? 0) > 0 ? undefined : 'INVALID_ARGUMENT without field violations';
    default:
      return undefined;
  }
};

const codeName = (code: number): string => GrpcStatus[code] ?? String(code);

/** The cases of one RPC's run: the empty message first, then `runs - 1` drawn from the seed. */
export const casesFor = (rpc: FuzzRpc, seed: number, runs: number): FuzzCase[] => [
  { kind: 'empty', label: 'empty message', bytes: new Uint8Array() },
  ...fc.sample(caseArbitrary(rpc.input), { seed: seedFor(seed, rpc.path), numRuns: Math.max(0, runs - 1) }),
];

/** Runs the property for one RPC over `client`'s connection and reports every case that broke it. */
export const fuzzRpc = async (client: RawGrpcClient, rpc: FuzzRpc, options: FuzzOptions): Promise<RpcFuzzReport> => {
  const { seed, runs = 50, deadlineMs = 15_000 } = options;
  const failures: FuzzFailure[] = [];
  const codes: Record<string, number> = {};
  const reasons: Record<string, number> = {};
  const accepted: string[] = [];
  const cases = casesFor(rpc, seed, runs);
  for (const [caseIndex, fuzzCase] of cases.entries()) {
    const answer = await client.call(rpc.path, fuzzCase.bytes, deadlineMs);
    codes[codeName(answer.code)] = (codes[codeName(answer.code)] ?? 0) + 1;
    for (const { reason } of answer.details?.fieldViolations ?? []) reasons[reason] = (reasons[reason] ?? 0) + 1;
    if (answer.code === GrpcStatus.OK && (fuzzCase.kind === 'mutated' || fuzzCase.kind === 'hostile') && accepted.length < 20) accepted.push(fuzzCase.label);
    const problem = problemOf(answer);
    if (problem) {
      failures.push({ rpc: rpc.path, caseIndex, kind: fuzzCase.kind, label: fuzzCase.label, problem, code: codeName(answer.code), message: (answer.details?.message ?? '').slice(0, 160) });
    }
  }
  const health = await client.health('', deadlineMs);
  if (health !== 'SERVING') failures.push({ rpc: rpc.path, caseIndex: cases.length, kind: 'after', label: 'health check', problem: 'not SERVING afterwards', code: health, message: '' });
  const wellFormed = await client.call(rpc.path, new Uint8Array(), deadlineMs);
  if (problemOf(wellFormed)) {
    failures.push({ rpc: rpc.path, caseIndex: cases.length, kind: 'after', label: 'empty message again', problem: 'well-formed call failed afterwards', code: codeName(wellFormed.code), message: '' });
  }
  return { rpc: rpc.path, seed, runs: cases.length, failures, codes, reasons, accepted };
};

export interface ServiceFuzzTarget {
  address: string;
  /** The service's descriptor sets (ServiceDefinition.descriptorSets; common is added). */
  descriptorSets: readonly Uint8Array[];
  /** Full service names to fuzz; default every `govern.*` service in the sets. */
  services?: readonly string[];
}

/** Every unary RPC of a running service, one connection, one after the other. */
export const fuzzService = async (target: ServiceFuzzTarget, options: FuzzOptions): Promise<RpcFuzzReport[]> => {
  const client = createRawGrpcClient(target.address);
  try {
    const reports: RpcFuzzReport[] = [];
    for (const rpc of unaryRpcsOf(target.descriptorSets, target.services)) reports.push(await fuzzRpc(client, rpc, options));
    return reports;
  } finally {
    client.close();
  }
};

/**
 * Failures grouped by RPC, problem and class of input, with the seed to replay them: what a
 * failing test prints. Bounded: at most `maxLines` lines.
 */
export const formatFuzzFailures = (reports: readonly RpcFuzzReport[], maxLines = 200): string => {
  const lines: string[] = [];
  for (const report of reports) {
    if (report.failures.length === 0) continue;
    lines.push(`${report.rpc} (FUZZ_SEED=${report.seed}, ${report.runs} cases, answers ${JSON.stringify(report.codes)}):`);
    const groups = new Map<string, FuzzFailure[]>();
    for (const failure of report.failures) {
      const key = `${failure.problem} ← ${failure.label}`;
      groups.set(key, [...(groups.get(key) ?? []), failure]);
    }
    for (const [key, group] of groups) lines.push(`  ${key} (case ${group.map((f) => f.caseIndex).join(', ')}${group[0]?.message ? `: ${group[0].message}` : ''})`);
  }
  return lines.length > maxLines ? [...lines.slice(0, maxLines), `… ${lines.length - maxLines} more lines`].join('\n') : lines.join('\n');
};
