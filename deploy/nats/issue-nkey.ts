/**
 * Issues the NKey of one NATS user of deploy/nats/govern.conf (a service, or `ops`):
 *   npx tsx deploy/nats/issue-nkey.ts <service|ops> <seed file>
 * writes the seed (secret: the service's NATS_NKEY_SEED) to <seed file>, readable by its owner
 * only, and prints the line for the server's environment: GOVERN_NATS_NKEY_<USER>=U…
 * The seed never reaches stdout. Rotation: docs/operations.md, "NATS credentials".
 */
import { writeFileSync } from 'node:fs';
import { createUser } from '@nats-io/nkeys';
import { GOVERN_EVENT_TOPOLOGY, nkeyVariableOf, OPS_USER } from '@govern/platform-auth';

const users = [...GOVERN_EVENT_TOPOLOGY.map((topology) => topology.service), OPS_USER];
const [user, seedFile] = process.argv.slice(2);
if (!user || !seedFile || !users.includes(user)) {
  console.error(`usage: npx tsx deploy/nats/issue-nkey.ts <${users.join('|')}> <seed file>`);
  process.exit(2);
}
const pair = createUser();
try {
  // `wx`: never overwrite a seed that may be in use; to rotate, write the new one elsewhere.
  writeFileSync(seedFile, `${new TextDecoder().decode(pair.getSeed())}\n`, { mode: 0o600, flag: 'wx' });
} catch (error) {
  console.error(`${seedFile}: ${(error as NodeJS.ErrnoException).code === 'EEXIST' ? 'exists already (never overwritten)' : (error as Error).message}`);
  process.exit(1);
}
console.log(`${nkeyVariableOf(user)}=${pair.getPublicKey()}`);
