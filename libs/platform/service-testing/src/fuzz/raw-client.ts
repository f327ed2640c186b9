import { Client, Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { channelOptionsFor, createChannelCredentials, type ClientTransport, type TokenProvider } from '@govern/platform-auth';
import { HealthCheckRequest, HealthCheckResponse } from '@govern/contracts-common';
import { errorDetailsOf, type GrpcErrorDetails } from '@govern/platform-grpc';

/**
 * A generic grpc-js client that sends the bytes it is given (so the fuzz controls the wire) and
 * reads status, google.rpc details and the size of the trailers back. One connection for all
 * calls: a call that stalls the connection shows as every later call hanging.
 */
export interface RawAnswer {
  code: number;
  details: GrpcErrorDetails | undefined;
  /** Response body bytes, on OK. */
  body: Uint8Array | undefined;
  durationMs: number;
}

export interface RawGrpcClient {
  call(path: string, body: Uint8Array, deadlineMs: number): Promise<RawAnswer>;
  /** grpc.health.v1 Check on the same connection; resolves to the status name, or the error code name. */
  health(service?: string, deadlineMs?: number): Promise<string>;
  close(): void;
}

const identity = (bytes: Buffer): Buffer => bytes;

/** How the raw client reaches the server: TLS and a token, as the harness hands them out (`sut.credentials()`). */
export interface RawClientCredentials {
  transport?: ClientTransport;
  token?: TokenProvider;
}

export const createRawGrpcClient = (address: string, credentials: RawClientCredentials = {}): RawGrpcClient => {
  const transport = credentials.transport ?? { mode: 'plaintext' };
  const client = new Client(address, createChannelCredentials(transport), {
    ...channelOptionsFor(transport),
    // The fuzz sends requests up to the server's limit (4 MiB) and must read any answer.
    'grpc.max_send_message_length': 8 * 1024 * 1024,
    'grpc.max_receive_message_length': 8 * 1024 * 1024,
  });
  const metadataFor = async (path: string): Promise<Metadata> => {
    const metadata = new Metadata();
    if (credentials.token) metadata.set('authorization', `Bearer ${await credentials.token(path)}`);
    return metadata;
  };
  const call = async (path: string, body: Uint8Array, deadlineMs: number): Promise<RawAnswer> => {
    const metadata = await metadataFor(path);
    return new Promise((resolve) => {
      const started = performance.now();
      client.makeUnaryRequest(
        path,
        identity,
        identity,
        Buffer.from(body.buffer, body.byteOffset, body.length),
        metadata,
        { deadline: Date.now() + deadlineMs },
        (error: ServiceError | null, response?: Buffer) => {
          const durationMs = performance.now() - started;
          if (!error) return resolve({ code: GrpcStatus.OK, details: undefined, body: response, durationMs });
          const bin = error.metadata?.get('grpc-status-details-bin')[0];
          resolve({ code: error.code, details: errorDetailsOf(error.code, error.details, bin instanceof Buffer ? bin : undefined), body: undefined, durationMs });
        },
      );
    });
  };
  return {
    call,
    async health(service = '', deadlineMs = 5_000) {
      const answer = await call('/grpc.health.v1.Health/Check', HealthCheckRequest.encode({ service }).finish(), deadlineMs);
      if (answer.code !== GrpcStatus.OK || !answer.body) return GrpcStatus[answer.code] ?? String(answer.code);
      const { status } = HealthCheckResponse.decode(answer.body);
      return ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'][status] ?? String(status);
    },
    close: () => client.close(),
  };
};
