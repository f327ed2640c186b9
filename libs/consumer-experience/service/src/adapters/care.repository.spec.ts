import type { Sql } from '@govern/platform-db';
import { describe, expect, it } from 'vitest';
import { careReads, lockCareCase, openCareCasesBeforeStepIn, openCareCasesOfParcel } from './care.repository';

/**
 * The care reads are sent ahead of need (behind the order's lock, awaited after it, or not at all
 * when the unit returns early). When the transaction fails first, the lock's await throws and the
 * reads are never awaited: their failure must not surface as an unhandled rejection, which stops
 * the process (Node's default).
 */
describe('care reads sent ahead of need', () => {
  it('leave no unhandled rejection when their transaction fails and nobody awaits them', async () => {
    // What the platform's transaction answers once a statement before has failed: a rejection it handles itself.
    const aborted: Sql = {
      query: () => {
        const failed = Promise.reject(new Error('current transaction is aborted'));
        failed.catch(() => undefined);
        return failed;
      },
    } as unknown as Sql;
    const unhandled: unknown[] = [];
    const listener = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      void careReads(aborted, { orderId: 'order-1', caseId: 'case-1' });
      void lockCareCase(aborted, 'case-1');
      void openCareCasesBeforeStepIn(aborted, ['order-1'], new Date());
      void openCareCasesOfParcel(aborted, 'SF-1', new Date());
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', listener);
    }
    // Awaited, each still fails with the transaction's error.
    await expect(careReads(aborted, { orderId: 'order-1', caseId: 'case-1' })).rejects.toThrow('current transaction is aborted');
    await expect(lockCareCase(aborted, 'case-1')).rejects.toThrow('current transaction is aborted');
  });
});
