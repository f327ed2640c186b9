/**
 * `npm run bench [-- --quick] [-- --only groups] [-- --skip groups]`: the hot paths of the four
 * services against this machine's floors, measured in one run, printed as one table and written
 * to tmp/bench/<timestamp>.json (and tmp/bench/latest.json). See tools/bench/README.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { newFixtures, type BenchContext } from './context';
import { measureEchoFloors, measureNatsFloors, measurePgFloors } from './floors/floors';
import { PG_READ_FLOOR_ID, pgFloorId, pgFloorsNeeded, type Measurement } from './goals';
import { machineInfo, snapshot } from './machine';
import { cascadePath } from './paths/cascade';
import { hotProductPath, uploadPath } from './paths/concurrency';
import { eventsBurstPath, eventsPacedPath, eventsPipelinePath } from './paths/events';
import { lexiconPath, livestreamPath, simulatePath } from './paths/programs';
import { readsPath } from './paths/reads';
import { assessVideoPath, evaluateListingPath, recordOrderPath, requestAfterSalePath, submitApplicationPath } from './paths/writes';
import { startPlatform, type Platform } from './platform/platform';
import { ROOT } from './platform/processes';
import { buildRows, renderTable, sortMeasurements } from './report';
import { FULL, QUICK } from './scale';


const GROUPS = ['floors', 'writes', 'reads', 'events', 'concurrency', 'livestream', 'cascade', 'lexicon', 'simulate'] as const;
type Group = (typeof GROUPS)[number];

const USAGE = `npm run bench [-- --quick] [-- --only ${GROUPS.join(',')}] [-- --skip ...]
  --quick   every path but the simulation, shorter and smaller (meant to take under 3 minutes on a machine of its own)
  --only    run these groups only (floors are measured whenever a measured group needs them)
  --skip    run everything but these groups
  --profile DIR  run the services under V8's CPU profiler; each writes DIR/<service>/*.cpuprofile (one per thread) when it stops
                 (the simulation's embedded platform: DIR/embedded-platform/)
                 (summary: npx tsx tools/bench/src/profile-summary.ts DIR)
Servers: DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/postgres), NATS_URL (default nats://127.0.0.1:4222).`;

const groupsOf = (list: string | undefined): Group[] => {
  const names = (list ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(GROUPS as readonly string[]).includes(n));
  if (unknown.length > 0) throw new Error(`unknown group ${unknown.join(', ')}; groups: ${GROUPS.join(', ')}`);
  return names as Group[];
};

const main = async (): Promise<void> => {
  const { values } = parseArgs({ options: { quick: { type: 'boolean' }, only: { type: 'string' }, skip: { type: 'string' }, profile: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help) return void console.log(USAGE);
  const only = groupsOf(values.only);
  const skip = groupsOf(values.skip);
  const runs = (group: Group): boolean => (only.length === 0 || only.includes(group)) && !skip.includes(group);
  const scale = values.quick ? QUICK : FULL;
  process.env['DATABASE_URL'] ??= 'postgresql://postgres@127.0.0.1:5432/postgres';
  process.env['NATS_URL'] ??= 'nats://127.0.0.1:4222';
  const databaseUrl = process.env['DATABASE_URL'];
  const natsUrl = process.env['NATS_URL'];

  const outDir = join(ROOT, 'tmp', 'bench');
  mkdirSync(outDir, { recursive: true });
  const started = performance.now();
  const progress = (message: string): void => console.error(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}`);
  const machine = await machineInfo(databaseUrl, natsUrl);
  const before = snapshot();
  progress(`${scale.name} run on ${machine.cpus} CPUs, load ${before.loadavg.join(' ')}; commit ${machine.commit}${machine.dirty ? ' (uncommitted changes)' : ''}`);

  const measurements: Measurement[] = [];
  const platformGroups: Group[] = ['writes', 'reads', 'events', 'concurrency', 'livestream', 'cascade'];
  if (runs('floors') || platformGroups.some(runs)) {
    const floor = async (what: string, ids: string[], measure: () => Promise<Measurement[]>): Promise<void> => {
      progress(`floors: ${what}`);
      try {
        measurements.push(...(await measure()));
      } catch (error) {
        // The rows compared with a missing floor say so ("not judged") rather than the run stopping.
        const failed = (error as Error).message.split('\n')[0] ?? 'failed';
        measurements.push(...ids.map((id) => ({ id, label: `${what} (${id})`, unit: '', failed })));
      }
    };
    const pgShapes = pgFloorsNeeded();
    await floor('bare grpc-js echo', ['floor.echo.1', 'floor.echo.64'], () => measureEchoFloors(scale));
    await floor('raw node-postgres transactions and read', [...pgShapes.map((s) => pgFloorId(s.inserts, s.inFlight)), PG_READ_FLOOR_ID], () => measurePgFloors(scale, pgShapes));
    await floor('nats.js acked publish and consume', ['floor.nats.publish', 'floor.nats.consume'], () => measureNatsFloors(scale, natsUrl));
  }

  if (platformGroups.some(runs)) {
    progress('starting the four services as processes');
    const platform: Platform = await startPlatform({ natsUrl, ...(values.profile === undefined ? {} : { profileDir: resolve(values.profile) }) });
    const stopOnSignal = (): void => {
      void platform.stop().finally(() => process.exit(130));
    };
    process.once('SIGINT', stopOnSignal);
    const ctx: BenchContext = { platform, scale, measurements, fixtures: newFixtures(), progress };
    try {
      if (runs('writes')) await submitApplicationPath(ctx);
      if (runs('reads')) await readsPath(ctx);
      if (runs('writes')) {
        await evaluateListingPath(ctx);
        await recordOrderPath(ctx);
        await requestAfterSalePath(ctx);
        await assessVideoPath(ctx);
      }
      if (runs('events')) {
        await eventsPacedPath(ctx);
        await eventsPipelinePath(ctx);
        await eventsBurstPath(ctx);
      }
      if (runs('concurrency')) {
        await uploadPath(ctx);
        await hotProductPath(ctx);
      }
      if (runs('livestream')) await livestreamPath(ctx);
      if (runs('cascade')) await cascadePath(ctx);
    } catch (error) {
      // A call the bench needed failed (a fixture, a path's set-up): what the services logged as
      // errors is why, and it lives only in their processes' output, which stopping them drops.
      const logged = platform.errorsSince(0).slice(-12);
      if (logged.length > 0) console.error(`the services' last error lines before the bench stopped:\n${logged.map((e) => `  ${e.service}: ${e.text}`).join('\n')}`);
      throw error;
    } finally {
      progress('stopping the services');
      process.removeListener('SIGINT', stopOnSignal);
      await platform.stop();
    }
  }
  if (runs('lexicon')) await lexiconPath(scale, measurements, progress);
  if (runs('simulate') && (scale.simulateByDefault || only.includes('simulate'))) await simulatePath(scale, measurements, progress, values.profile === undefined ? undefined : resolve(values.profile));
  else if (runs('simulate')) {
    measurements.push({ id: 'simulate.embedded', label: 'govern simulate --seed 1, embedded platform', unit: '', notes: ['not run by --quick (it takes minutes): run the full bench, or --quick --only simulate for the demo scale'] });
  }

  const after = snapshot();
  const durationMs = performance.now() - started;
  const ordered = sortMeasurements(measurements);
  const rows = buildRows(ordered, { quick: scale.name === 'quick' });
  const heading =
    `Govern bench (${scale.name}), ${after.at.slice(0, 16).replace('T', ' ')} UTC, ${(durationMs / 60_000).toFixed(1)} min; ` +
    `${machine.cpus} × ${machine.cpuModel}, ${machine.memGb} GB, node ${machine.node}, PostgreSQL ${machine.postgres}, NATS ${machine.nats}; ` +
    `commit ${machine.commit}${machine.dirty ? '+changes' : ''} (${machine.branch})\n` +
    `load average before ${before.loadavg.join(' ')}, after ${after.loadavg.join(' ')} (machine shared with other work)`;
  console.log(`\n${heading}\n\n${renderTable(rows)}\n`);
  const report = { version: 1, mode: scale.name, durationMs, machine, load: { before, after }, servers: { databaseUrl: new URL(databaseUrl).host, natsUrl }, rows, measurements: ordered };
  const file = join(outDir, `${before.at.replaceAll(':', '-').replace(/\.\d+Z$/, 'Z')}-${scale.name}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(outDir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`written: ${file} (and tmp/bench/latest.json)`);
};

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
