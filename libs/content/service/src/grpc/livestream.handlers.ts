import {
  EndLivestreamRequest,
  EndLivestreamResponse,
  StartLivestreamRequest,
  StartLivestreamResponse,
  type GetLivestreamRequest,
  type GetLivestreamResponse,
  type ListLivestreamsRequest,
  type ListLivestreamsResponse,
} from '@govern/contracts-content';
import { timeIdPageToken } from '@govern/platform-grpc';
import { livestreamStates, liveLevelToProto } from '../mapping/enums';
import { livestreamMessage, violationMessage } from '../mapping/messages';
import { endLivestream, getLivestream, listLivestreams, startLivestream, type LivestreamWithLinks } from '../use-cases/livestreams';
import { contentChecks, linkedProducts } from './content-checks';
import { read, scopeOf, type Call, type ContentHandlerDeps } from './handler-kit';
import { streamLivestreamSignals } from './livestream-stream';

const INVALID_LIVESTREAM = 'LIVESTREAM.INVALID_INPUT';

/** Livestream sessions: start and end (mutations), reads, and the real-time signal stream. */
export const livestreamHandlers = (kit: ContentHandlerDeps) => {
  const { deps, sessions } = kit;
  const { policy } = deps;

  /** The stored session, with what this replica applied after its last snapshot (signals it has not flushed yet). */
  const freshest = ({ livestream, links }: LivestreamWithLinks) => {
    const message = livestreamMessage(livestream, links);
    const fresher = livestream.state === 'LIVE' ? sessions.peek(livestream.livestreamId) : undefined;
    if (fresher && BigInt(fresher.lastSequence) > message.lastClientSequence) {
      message.lastClientSequence = BigInt(fresher.lastSequence);
      message.warnings = fresher.warnings;
      message.level = liveLevelToProto(fresher.level);
    }
    return message;
  };

  return {
    async startLivestream(request: StartLivestreamRequest, call: Call): Promise<StartLivestreamResponse> {
      const checks = contentChecks(policy);
      const start = checks.done(
        {
          requestId: checks.requestId(request.requestId),
          livestreamId: checks.id('livestream_id', request.livestreamId),
          creatorId: checks.id('creator_id', request.creatorId),
          title: checks.text('title', request.title, policy.limits.maxTitleChars),
          links: linkedProducts(checks, request.linkedProducts, policy, { complete: true }),
        },
        INVALID_LIVESTREAM,
      );
      const mutation = { scope: scopeOf('StartLivestream'), request, requestCodec: StartLivestreamRequest, responseCodec: StartLivestreamResponse, deadline: call.deadline };
      const response = await kit.units.mutation(mutation, async (work) => {
        const started = await startLivestream(work, start);
        return StartLivestreamResponse.fromPartial({ livestream: livestreamMessage(started.livestream, started.links), refusedLinks: started.refused.map(violationMessage) });
      });
      // No session is made in memory here: the replica a signal stream for it opens on loads it
      // (LivestreamSessions: replicas), which may well not be this one.
      return response;
    },

    async endLivestream(request: EndLivestreamRequest, call: Call): Promise<EndLivestreamResponse> {
      const checks = contentChecks(policy);
      const { livestreamId } = checks.done({ requestId: checks.requestId(request.requestId), livestreamId: checks.id('livestream_id', request.livestreamId) }, INVALID_LIVESTREAM);
      return sessions.end(livestreamId, (pending) =>
        kit.units.mutation({ scope: scopeOf('EndLivestream'), request, requestCodec: EndLivestreamRequest, responseCodec: EndLivestreamResponse, deadline: call.deadline }, async (work) => {
          const ended = await endLivestream(work, livestreamId, pending);
          return EndLivestreamResponse.fromPartial({ livestream: livestreamMessage(ended.livestream, ended.links) });
        }),
      );
    },

    async getLivestream(request: GetLivestreamRequest, call: Call): Promise<GetLivestreamResponse> {
      const checks = contentChecks(policy);
      const { livestreamId } = checks.done({ livestreamId: checks.id('livestream_id', request.livestreamId) }, INVALID_LIVESTREAM);
      return { livestream: freshest(await read(kit, call, (tx) => getLivestream(tx, livestreamId))) };
    },

    async listLivestreams(request: ListLivestreamsRequest, call: Call): Promise<ListLivestreamsResponse> {
      const checks = contentChecks(policy);
      const filter = checks.done(
        {
          pageSize: checks.pageSize(request.pageSize),
          after: checks.pageToken(timeIdPageToken, request.pageToken),
          state: checks.enumValue('state', livestreamStates, request.state),
        },
        INVALID_LIVESTREAM,
      );
      const page = await read(kit, call, (tx) => listLivestreams(tx, filter));
      return { livestreams: page.items.map(freshest), nextPageToken: page.nextPageToken };
    },

    streamLivestreamSignals: (requests: Parameters<typeof streamLivestreamSignals>[1], call: Call) => streamLivestreamSignals(sessions, requests, call),
  };
};
