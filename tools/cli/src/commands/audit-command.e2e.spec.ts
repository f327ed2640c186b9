import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ActorKind, type ListAuditRecordsRequest } from '@govern/contracts-common';
import { type DevPki } from '@govern/platform-auth';
import { UsageError } from '../usage-error';
import { auditCommand } from './audit';
import { capturePrinted, cleanUpOpsSuite, devPkiForCli, startOpsServer, type OpsServerStub } from '../testing/ops-server.fixture';

/**
 * `govern audit` against a real gRPC server (TLS, dev tokens, the ops policy) serving
 * ListAuditRecords with a fixed answer (the service side is tested through merchant-access's
 * audit integration spec): the filters it sends, who it calls as, the table and --json it prints.
 */
const asked: { request: ListAuditRecordsRequest; caller: string | undefined }[] = [];

describe('govern audit', () => {
  let stub: OpsServerStub | undefined;
  let address: string;
  let pki: DevPki;
  const printed: string[] = [];

  beforeAll(async () => {
    pki = await devPkiForCli('merchant-access');
    vi.stubEnv('GOVERN_TOKEN', '');
    stub = await startOpsServer(pki, 'merchant-access', {
      async listAuditRecords(request, context) {
        asked.push({ request, caller: context.caller.subject });
        return {
          auditRecords: [
            {
              auditRecordId: '7',
              recordTime: new Date('2026-12-02T08:00:00Z'),
              actor: { subject: 'olga', kind: ActorKind.ACTOR_KIND_PERSON, roles: ['operator'], service: 'console' },
              rpc: 'govern.merchant_access.v1.MerchantAccessService/RecordViolation',
              resource: { type: 'merchant', id: 'm-1' },
              requestId: 'req-9',
              decision: 'MERCHANT_REMOVED',
              reasonCodes: ['VIOLATION.COUNTERFEIT'],
              policyVersion: 'v3',
            },
          ],
          nextPageToken: 'NEXT',
        };
      },
    });
    address = stub.address;
    capturePrinted(printed);
  });
  afterEach(() => {
    printed.length = 0;
  });
  afterAll(() => cleanUpOpsSuite([stub], pki));

  it('sends the filters with a token of its own and prints who did what as a table', async () => {
    await auditCommand.run(['--service', 'merchant-access', '--merchant-access', address, '--resource', 'merchant:m-1', '--actor', 'olga', '--limit', '5', '--from', '2026-12-01T00:00:00Z', '--to', '2026-12-03T00:00:00Z']);
    expect(asked.at(-1)).toEqual({
      request: {
        pageSize: 5,
        pageToken: '',
        resource: { type: 'merchant', id: 'm-1' },
        actorSubject: 'olga',
        rpc: '',
        window: { startTime: new Date('2026-12-01T00:00:00Z'), endTime: new Date('2026-12-03T00:00:00Z') },
      },
      caller: 'govern-cli',
    });
    const [header, row, more] = printed.join('\n').split('\n');
    expect(header).toMatch(/^TIME\s+ACTOR\s+RPC\s+RESOURCE\s+DECISION\s+REQUEST ID$/);
    expect(row).toMatch(/^2026-12-02T08:00:00.000Z\s+olga \(person\) \[operator\] via console\s+RecordViolation\s+merchant:m-1\s+MERCHANT_REMOVED \(VIOLATION.COUNTERFEIT\) policy v3\s+req-9$/);
    expect(more).toBe('more: --page NEXT');
  });

  it('prints the answer as JSON, and refuses bad options', async () => {
    await auditCommand.run(['--service', 'merchant-access', '--merchant-access', address, '--json', '--page', 'NEXT']);
    expect(asked.at(-1)?.request).toMatchObject({ pageToken: 'NEXT' });
    expect(JSON.parse(printed.join('\n'))).toMatchObject({ service: 'merchant-access', auditRecords: [{ auditRecordId: '7', decision: 'MERCHANT_REMOVED' }], nextPageToken: 'NEXT' });
    await expect(auditCommand.run(['--resource', 'merchant:m-1'])).rejects.toThrow('--service is required');
    await expect(auditCommand.run(['--service', 'merchant-access', '--resource', 'merchant'])).rejects.toThrow(UsageError);
    await expect(auditCommand.run(['--service', 'merchant-access', '--from', '2026-12-01'])).rejects.toThrow('--from and --to go together');
  });
});
