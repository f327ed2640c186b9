import { INVALID, isInvalid, type Checked, type Valid } from '@govern/platform-grpc';
import type { MerchantAccessDeps, Work } from '../deps';

interface MessageCodec<T> {
  encode(message: T): { finish(): Uint8Array };
  decode(input: Uint8Array): T;
}

/**
 * A mutation of this service: its request checks (`check`, run before the transaction; a retry
 * they now refuse, e.g. an occurred_at that has since aged out of the window, gets the stored
 * answer of the first call instead), then the work in one unit of work keyed by request_id.
 */
export const mutation = <Req extends { requestId: string }, Res, Command>(
  deps: Pick<MerchantAccessDeps, 'units'>,
  rpc: string,
  codecs: { request: MessageCodec<Req>; response: MessageCodec<Res> },
  request: Req,
  context: { deadline?: Date | undefined },
  check: () => Command,
  work: (work: Work, command: Command) => Promise<Res>,
): Promise<Res> =>
  deps.units.mutation(
    { scope: `merchant_access.${rpc}`, request, requestCodec: codecs.request, responseCodec: codecs.response, deadline: context.deadline, check },
    work,
  );

/** A list whose items were checked field by field: INVALID when any field of any item is (each recorded its violation). */
export const checkedItems = <Item extends Record<string, unknown>>(items: readonly Item[]): Checked<Valid<Item>[]> =>
  items.some((item) => Object.values(item).some(isInvalid)) ? INVALID : (items as readonly Valid<Item>[] as Valid<Item>[]);
