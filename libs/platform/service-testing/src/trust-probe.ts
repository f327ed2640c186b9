import { createFileRegistry, fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { Client, Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { channelOptionsFor, createChannelCredentials, type ClientTransport } from '@govern/platform-auth';
import { errorDetailsOf, mergeDescriptorSets } from '@govern/platform-grpc';

/**
 * Calls any RPC of a service with an empty request and the given credentials, to see what the
 * trust boundary answers: the negative tests enumerate every RPC from the descriptors (unary
 * and streaming), so an RPC added later is probed without anyone writing a test for it.
 */
export type RpcKind = 'unary' | 'server_streaming' | 'client_streaming' | 'bidi_streaming';

export interface DescribedRpc {
  /** `/govern.content.v1.ContentService/AssessVideo` */
  path: string;
  kind: RpcKind;
}

/** Every RPC of the `govern.` services in the descriptor sets, streaming ones included. */
export const rpcsOf = (descriptorSets: readonly Uint8Array[]): DescribedRpc[] => {
  const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, mergeDescriptorSets(descriptorSets).bytes));
  const rpcs: DescribedRpc[] = [];
  for (const file of registry.files) {
    for (const service of file.services) {
      if (!service.typeName.startsWith('govern.')) continue;
      for (const method of service.methods) rpcs.push({ path: `/${service.typeName}/${method.name}`, kind: method.methodKind });
    }
  }
  return rpcs;
};

export interface ProbeAnswer {
  code: number;
  codeName: string;
  reason?: string | undefined;
  metadata: Record<string, string>;
}

const identity = (bytes: Buffer): Buffer => bytes;
const EMPTY = Buffer.alloc(0);

export interface TrustProbe {
  call(rpc: DescribedRpc, token?: string): Promise<ProbeAnswer>;
  close(): void;
}

export const createTrustProbe = (address: string, transport: ClientTransport, deadlineMs = 10_000): TrustProbe => {
  const client = new Client(address, createChannelCredentials(transport), channelOptionsFor(transport));
  const answerOf = (error: ServiceError | null): ProbeAnswer => {
    if (!error) return { code: GrpcStatus.OK, codeName: 'OK', metadata: {} };
    const bin = error.metadata?.get('grpc-status-details-bin')[0];
    const details = errorDetailsOf(error.code, error.details, bin instanceof Buffer ? bin : undefined);
    return { code: details.code, codeName: details.codeName, reason: details.reason, metadata: details.metadata };
  };
  return {
    call: (rpc, token) =>
      new Promise((resolve) => {
        const metadata = new Metadata();
        if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
        const options = { deadline: Date.now() + deadlineMs };
        const done = (error: ServiceError | null) => resolve(answerOf(error));
        switch (rpc.kind) {
          case 'unary':
            client.makeUnaryRequest(rpc.path, identity, identity, EMPTY, metadata, options, (error) => done(error));
            return;
          case 'client_streaming': {
            const call = client.makeClientStreamRequest(rpc.path, identity, identity, metadata, options, (error) => done(error));
            call.end();
            return;
          }
          case 'server_streaming':
          case 'bidi_streaming': {
            const call =
              rpc.kind === 'server_streaming'
                ? client.makeServerStreamRequest(rpc.path, identity, identity, EMPTY, metadata, options)
                : client.makeBidiStreamRequest(rpc.path, identity, identity, metadata, options);
            // Messages (if the guard let any through) are drained; the status decides.
            call.on('data', () => undefined);
            call.on('error', (error: ServiceError) => done(error));
            call.on('status', (status: { code: number }) => {
              if (status.code === GrpcStatus.OK) done(null);
            });
            if ('end' in call && typeof call.end === 'function') call.end();
            return;
          }
        }
      }),
    close: () => client.close(),
  };
};
