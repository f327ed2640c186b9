import { composeServerMiddleware, Metadata, ServerError, Status, type CallContext, type ServerMiddleware } from 'nice-grpc-common';
import { describe, expect, it, vi } from 'vitest';
import type { GrpcCallContext } from './call-context';
import { DEADLINE_METADATA_KEY, formatGrpcTimeout, takeDeadline } from './deadline';
import { callLogMiddleware, callSignalMiddleware, createTerminator, errorMappingMiddleware, NOTE_CALLER, type CallerNote } from './server-middleware';
import { memoryLogger } from './test-service.fixture';

const NOW = Date.parse('2026-11-02T10:00:00Z');

type CallLogExt = Pick<GrpcCallContext, 'log' | 'requestId'>;
type CallSignalExt = Pick<GrpcCallContext, 'deadline' | 'abortOnTerminate'>;

const callContext = (metadata: Record<string, string> = {}): CallContext => ({
  metadata: Metadata(metadata),
  peer: 'ipv4:127.0.0.1:5000',
  header: Metadata(),
  sendHeader: () => undefined,
  trailer: Metadata(),
  signal: new AbortController().signal,
});

/** Runs one unary call through `middleware` into `handler`. */
const unary = async <Req>(
  middleware: ServerMiddleware<object>,
  request: Req,
  context: CallContext,
  handler: (request: Req, context: GrpcCallContext) => Promise<unknown>,
): Promise<unknown> => {
  const generator = middleware(
    {
      method: { path: '/govern.test.v1.TestService/Echo', requestStream: false, responseStream: false, options: {} },
      requestStream: false,
      request,
      responseStream: false,
      // eslint-disable-next-line require-yield -- a unary call returns its response, it yields nothing
      next: async function* (req: Req, ctx: CallContext) {
        return handler(req, ctx as GrpcCallContext);
      },
    },
    context,
  );
  return (await generator.next()).value;
};

const chain = () => {
  const memory = memoryLogger();
  const terminator = createTerminator();
  // The order createGrpcServer uses (error details, which only encodes, left out).
  const logAndSignal = composeServerMiddleware<CallLogExt, CallSignalExt, object>(callLogMiddleware(memory.logger), callSignalMiddleware(terminator, () => NOW));
  const middleware: ServerMiddleware<object> = composeServerMiddleware<CallLogExt & CallSignalExt, object, object>(
    logAndSignal,
    errorMappingMiddleware('content', () => NOW),
  );
  return { middleware, terminator, ...memory };
};

describe('call middleware chain', () => {
  it('answers a call that arrives past its deadline with DEADLINE_EXCEEDED, without running the handler', async () => {
    const { middleware, lines } = chain();
    const handler = vi.fn(async () => ({}));
    const context = callContext({ [DEADLINE_METADATA_KEY]: String(NOW - 1) });
    const error = await unary(middleware, { requestId: 'r-1' }, context, handler).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).code).toBe(Status.DEADLINE_EXCEEDED);
    expect(handler).not.toHaveBeenCalled();
    expect(lines.at(-1)).toMatchObject({ msg: 'rpc finished', code: 'DEADLINE_EXCEEDED', request_id: 'r-1' });
  });

  it('hands the handler its deadline, request id and a logger, and hides the internal metadata', async () => {
    const { middleware } = chain();
    const seen: Partial<GrpcCallContext> = {};
    const context = callContext({ [DEADLINE_METADATA_KEY]: String(NOW + 2_000) });
    await unary(middleware, { requestId: 'r-2' }, context, async (_request, ctx) => {
      Object.assign(seen, { deadline: ctx.deadline, requestId: ctx.requestId, log: ctx.log, internal: ctx.metadata.get(DEADLINE_METADATA_KEY) });
      return {};
    });
    expect(seen).toMatchObject({ deadline: new Date(NOW + 2_000), requestId: 'r-2', internal: undefined });
    expect(typeof seen.log?.info).toBe('function');
    expect(context.header.get('x-request-id')).toBe('r-2');
  });

  it("binds the handler's logger to the rpc, request id and the caller named before it logs; the rpc finished line names each once", async () => {
    const { middleware, lines } = chain();
    await unary(middleware, { requestId: 'r-log' }, callContext(), async (_request, ctx) => {
      (ctx as GrpcCallContext & { [NOTE_CALLER]: CallerNote })[NOTE_CALLER]('service:traffic');
      ctx.log.info({ step: 1 }, 'handler line');
      ctx.log.child({ part: 'inner' }).warn('nested line');
      return {};
    });
    const bound = { rpc: '/govern.test.v1.TestService/Echo', request_id: 'r-log', caller: 'service:traffic' };
    expect(lines.map((line) => line['msg'])).toEqual(['handler line', 'nested line', 'rpc finished']);
    expect(lines[0]).toMatchObject({ ...bound, step: 1 });
    expect(lines[1]).toMatchObject({ ...bound, part: 'inner' });
    expect(lines[2]).toMatchObject({ ...bound, code: 'OK' });
  });

  it('takes the request id from the body, else x-request-id, else generates one', async () => {
    const { middleware } = chain();
    const idOf = async (request: object, metadata: Record<string, string> = {}) => {
      let id = '';
      await unary(middleware, request, callContext(metadata), async (_r, ctx) => ((id = ctx.requestId), {}));
      return id;
    };
    expect(await idOf({ requestId: 'body' }, { 'x-request-id': 'header' })).toBe('body');
    expect(await idOf({ requestId: '' }, { 'x-request-id': 'header' })).toBe('header');
    expect(await idOf({})).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
  });

  it('aborts a call that opted in when the server terminates, and only such calls', async () => {
    const { middleware, terminator } = chain();
    const signals: AbortSignal[] = [];
    await unary(middleware, {}, callContext(), async (_r, ctx) => {
      ctx.abortOnTerminate();
      signals.push(ctx.signal);
      return {};
    });
    let plain: AbortSignal | undefined;
    const running = unary(middleware, {}, callContext(), async (_r, ctx) => {
      plain = ctx.signal;
      return new Promise((resolve) => setTimeout(resolve, 20, {}));
    });
    const watching = unary(middleware, {}, callContext(), async (_r, ctx) => {
      ctx.abortOnTerminate();
      await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason)));
      return {};
    }).catch((e: unknown) => e);
    terminator.terminate();
    expect(((await watching) as ServerError).code).toBe(Status.UNAVAILABLE);
    await running;
    expect(plain?.aborted).toBe(false);
    expect(signals[0]?.aborted).toBe(false); // finished before terminate: unregistered
  });
});

describe('deadline helpers', () => {
  it('formats grpc-timeout in at most 8 digits, rounding up', () => {
    expect(formatGrpcTimeout(new Date(NOW + 1_500), NOW)).toBe('1500m');
    expect(formatGrpcTimeout(new Date(NOW + 1), NOW)).toBe('1m');
    expect(formatGrpcTimeout(new Date(NOW + 1_500), NOW - 0.5)).toBe('1501m');
    expect(formatGrpcTimeout(new Date(NOW - 10), NOW)).toBe('0m');
    expect(formatGrpcTimeout(new Date(NOW + 200_000_000), NOW)).toBe('200000S');
    expect(formatGrpcTimeout(new Date(NOW + 100_000_000_001), NOW)).toBe('1666667M');
  });

  it('reads the deadline left by the interceptor once, and ignores junk', () => {
    const metadata = Metadata({ [DEADLINE_METADATA_KEY]: String(NOW) });
    expect(takeDeadline(metadata)).toEqual(new Date(NOW));
    expect(takeDeadline(metadata)).toBeUndefined();
    expect(takeDeadline(Metadata({ [DEADLINE_METADATA_KEY]: 'soon' }))).toBeUndefined();
  });
});
