import { findLocalServers, usingLocalServersNotice } from './local-servers';

/**
 * Runs once per `vitest run`, before any test file: with DATABASE_URL/NATS_URL unset and both
 * servers answering on the default local ports, it says so once and sets the two variables,
 * which the test workers (started after this) inherit, so none of them probes or says it again.
 * Otherwise it leaves everything as it is: unit suites need no servers, and integration suites
 * go on to Docker or the clear error (test-infra.ts).
 */
export default async function setup(): Promise<void> {
  if (process.env['DATABASE_URL'] || process.env['NATS_URL']) return;
  const found = await findLocalServers();
  if (!found.databaseUrl || !found.natsUrl) return;
  console.log(usingLocalServersNotice({ databaseUrl: found.databaseUrl, natsUrl: found.natsUrl }));
  process.env['DATABASE_URL'] = found.databaseUrl;
  process.env['NATS_URL'] = found.natsUrl;
}
