import { sql, type Sql } from '@govern/platform-db';

/**
 * Applicants who applied from the same devices, told apart by their licence: the most any one of
 * the devices was shared with (applications that never became merchants count too).
 */
export const otherApplicantsPerDevice = async (db: Sql, deviceHashes: readonly string[], licenceHash: string): Promise<number> => {
  if (deviceHashes.length === 0) return 0;
  const rows = await db.query<{ others: bigint }>(
    sql`SELECT count(DISTINCT licence.hash) AS others
          FROM application_identifiers device
          JOIN application_identifiers licence ON licence.application_id = device.application_id AND licence.kind = 'LICENCE'
         WHERE device.kind = 'DEVICE' AND device.hash = ANY(${[...deviceHashes]}::text[]) AND licence.hash <> ${licenceHash}
         GROUP BY device.hash`,
  );
  return Math.max(0, ...rows.map((r) => Number(r.others)));
};
