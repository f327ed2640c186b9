/**
 * `npx tsx tools/bench/src/profile-summary.ts DIR [--top N]`: where the services' CPU went in a
 * `npm run bench -- --profile DIR` run. For each service's main-thread `.cpuprofile` in
 * `DIR/<service>/` (V8's sampling profile; the busiest thread's, since tsx loads modules on a thread
 * of its own) it prints the CPU time (idle excluded) by what ran it — a package in node_modules, Node's own
 * modules, the garbage collector, the project's libs — and the functions with the most self time.
 * Gaps between samples longer than `--max-gap-ms` (default 3) count only that much: see `summarise`.
 *
 * Hand-written rather than a profile viewer: a `.cpuprofile` is a flat JSON node list whose self
 * time is the sum of its samples' deltas, and the viewers (Chrome DevTools, speedscope) are
 * interactive; this prints a table that can sit in a README beside the bench's figures.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Who ran a frame: a node_modules package, a Node module, V8 itself or a project folder. */
export const ownerOf = (frame: CallFrame): string => {
  const { url, functionName } = frame;
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inPackage?.[1] !== undefined) return inPackage[1];
  if (url.startsWith('node:')) return `node:${url.slice(5).replace(/^internal\//, '').split('/')[0] ?? ''}`;
  const inProject = /\/((?:libs|apps|tools)\/(?:[^/]+\/){1,2})/.exec(url);
  return inProject?.[1] !== undefined ? inProject[1].replace(/\/$/, '') : url;
};

/** The layers a call passes through, by the owners of their code (first match wins). */
const LAYERS: [layer: string, owner: RegExp][] = [
  ['Prisma (client, query compiler, adapter)', /^(@prisma\/|wasm:)/],
  ['node-postgres', /^pg(-protocol|-pool|-types)?$/],
  ['gRPC, HTTP/2, TLS', /^(@grpc\/|node:http2|node:_tls|node:tls|node:net)/],
  ['protobuf encoding', /^(@bufbuild\/|google-protobuf|libs\/contracts\/)/],
  ['JWT and crypto', /^(jose|node:crypto)/],
  ['logging', /^(pino|@pinojs\/|sonic-boom|fast-redact)/],
  ['tracing and metrics', /^(@opentelemetry\/|prom-client|libs\/platform\/observability)/],
  ['NATS', /^(@nats-io\/|libs\/platform\/events)/],
  ['garbage collector', /^\(garbage collector\)$/],
  ['async context (AsyncLocalStorage)', /^node:async_hooks/],
  ['Govern code', /^(libs|apps|tools)\//],
];

export const layerOf = (owner: string): string => LAYERS.find(([, pattern]) => pattern.test(owner))?.[0] ?? 'other (native I/O, Node internals)';

export interface ProfileSummary {
  /** Sampled time not idle, in ms. */
  busyMs: number;
  idleMs: number;
  /** Time between samples beyond `maxGapMs`, left out of every other figure (the thread was off CPU). */
  offCpuMs: number;
  byOwner: { owner: string; ms: number }[];
  topFunctions: { name: string; owner: string; ms: number }[];
}

/**
 * `skipMs`: samples in the profile's first `skipMs` are left out (the service's start-up).
 * `maxGapMs`: a sample counts at most this much. V8 charges the whole time since the previous sample
 * to the frame it finds, so on a loaded machine, where the process waits seconds for a core, one
 * sample can carry 1.5 s to whatever function happened to be on the stack and top the table; its
 * sampler ticks every 1 ms (Node's default), so a gap of several ms is time off CPU, not work.
 */
export const summarise = (profile: CpuProfile, top: number, skipMs = 0, maxGapMs = Number.POSITIVE_INFINITY): ProfileSummary => {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  let atUs = 0;
  let offCpuUs = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    atUs += delta;
    if (atUs <= skipMs * 1000) return;
    const counted = Math.min(delta, maxGapMs * 1000);
    offCpuUs += delta - counted;
    selfUs.set(id, (selfUs.get(id) ?? 0) + counted);
  });
  let idleUs = 0;
  const owners = new Map<string, number>();
  const functions = new Map<string, { name: string; owner: string; us: number }>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (frame === undefined) continue;
    if (frame.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const owner = ownerOf(frame);
    owners.set(owner, (owners.get(owner) ?? 0) + us);
    const key = `${frame.functionName}@${frame.url}:${frame.lineNumber}`;
    const entry = functions.get(key) ?? { name: `${frame.functionName || '(anonymous)'} ${frame.url.split('/').slice(-1)[0] ?? ''}:${frame.lineNumber + 1}`, owner, us: 0 };
    entry.us += us;
    functions.set(key, entry);
  }
  const busyUs = [...owners.values()].reduce((a, b) => a + b, 0);
  return {
    busyMs: busyUs / 1000,
    idleMs: idleUs / 1000,
    offCpuMs: offCpuUs / 1000,
    byOwner: [...owners].map(([owner, us]) => ({ owner, ms: us / 1000 })).sort((a, b) => b.ms - a.ms),
    topFunctions: [...functions.values()].sort((a, b) => b.us - a.us).slice(0, top).map((f) => ({ name: f.name, owner: f.owner, ms: f.us / 1000 })),
  };
};

const pct = (part: number, whole: number): string => `${((100 * part) / whole).toFixed(1)}%`;

const main = (): void => {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '15' }, 'max-gap-ms': { type: 'string', default: '3' } } });
  const dir = positionals[0];
  const maxGapMs = Number(values['max-gap-ms']);
  if (dir === undefined || !(maxGapMs > 0)) throw new Error('usage: profile-summary.ts DIR [--top N] [--max-gap-ms MS, default 3] (DIR holds <service>.cpuprofile files from npm run bench -- --profile DIR)');
  const services = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  if (services.length === 0) throw new Error(`no <service>/ folder in ${dir}: run npm run bench -- --profile ${dir} first`);
  for (const service of services) {
    const servingFile = join(dir, service, 'serving.json');
    const skipMs = existsSync(servingFile) ? (JSON.parse(readFileSync(servingFile, 'utf8')) as { servingAfterMs: number }).servingAfterMs : 0;
    const threads = readdirSync(join(dir, service))
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => summarise(JSON.parse(readFileSync(join(dir, service, f), 'utf8')) as CpuProfile, Number(values.top), skipMs, maxGapMs));
    const summary = threads.sort((a, b) => b.busyMs - a.busyMs)[0];
    if (summary === undefined) continue;
    console.log(`\n## ${service}: ${(summary.busyMs / 1000).toFixed(1)} s on CPU, ${(summary.idleMs / 1000).toFixed(1)} s idle, ${(summary.offCpuMs / 1000).toFixed(1)} s off CPU in gaps over ${maxGapMs} ms between samples (main thread, after its first ${(skipMs / 1000).toFixed(1)} s of start-up)\n`);
    const layers = new Map<string, number>();
    for (const { owner, ms } of summary.byOwner) layers.set(layerOf(owner), (layers.get(layerOf(owner)) ?? 0) + ms);
    console.log('| layer | share |\n|---|--:|');
    for (const [layer, ms] of [...layers].sort((a, b) => b[1] - a[1])) console.log(`| ${layer} | ${pct(ms, summary.busyMs)} |`);
    console.log('\n| on CPU in | share |\n|---|--:|');
    for (const { owner, ms } of summary.byOwner.slice(0, Number(values.top))) console.log(`| ${owner} | ${pct(ms, summary.busyMs)} |`);
    console.log('\n| function (self time) | in | share |\n|---|---|--:|');
    for (const f of summary.topFunctions) console.log(`| ${f.name} | ${f.owner} | ${pct(f.ms, summary.busyMs)} |`);
  }
};

if (process.argv[1]?.endsWith('profile-summary.ts')) main();
