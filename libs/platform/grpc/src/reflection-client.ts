import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { fromBinary } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt';
import { createChannel, createClient } from 'nice-grpc';
import { channelOptionsFor, createChannelCredentials, type ClientTransport } from '@govern/platform-auth';

/**
 * A grpcurl-style reflection client: asks a server which services it has and what their
 * methods are, the way an operator's tool would, with nothing compiled in. Used by tests
 * and the CLI to check a deployed service.
 */
export type ReflectionRequest = { listServices: string } | { fileContainingSymbol: string };

export interface ReflectionResponse {
  services: string[];
  fileDescriptorProtos: Uint8Array[];
  errorCode?: number;
}

export const encodeReflectionRequest = (request: ReflectionRequest): Uint8Array => {
  const writer = new BinaryWriter();
  if ('listServices' in request) writer.tag(7, WireType.LengthDelimited).string(request.listServices);
  else writer.tag(4, WireType.LengthDelimited).string(request.fileContainingSymbol);
  return writer.finish();
};

/** Decodes the parts of a ServerReflectionResponse we read (field numbers equal in v1 and v1alpha). */
export const decodeReflectionResponse = (bytes: Uint8Array): ReflectionResponse => {
  const response: ReflectionResponse = { services: [], fileDescriptorProtos: [] };
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const [field, wire] = reader.tag();
    if (field === 6 || field === 4 || field === 7) {
      const inner = new BinaryReader(reader.bytes());
      while (inner.pos < inner.len) {
        const [innerField, innerWire] = inner.tag();
        if (field === 6 && innerField === 1) {
          const service = new BinaryReader(inner.bytes());
          service.tag();
          response.services.push(service.string());
        } else if (field === 4 && innerField === 1) response.fileDescriptorProtos.push(inner.bytes());
        else if (field === 7 && innerField === 1) response.errorCode = inner.int32();
        else inner.skip(innerWire, innerField);
      }
    } else reader.skip(wire, field);
  }
  return response;
};

export const reflectionDefinition = (version: 'v1' | 'v1alpha') =>
  ({
    serverReflectionInfo: {
      path: `/grpc.reflection.${version}.ServerReflection/ServerReflectionInfo`,
      requestStream: true,
      responseStream: true,
      requestSerialize: encodeReflectionRequest,
      requestDeserialize: (): ReflectionRequest => ({ listServices: '' }),
      responseSerialize: (): Uint8Array => new Uint8Array(),
      responseDeserialize: decodeReflectionResponse,
      options: {},
    },
  }) as const;

export interface ReflectedService {
  name: string;
  methods: string[];
}

/** Lists every service a server exposes through reflection, with its method names. */
export const describeServerViaReflection = async (address: string, transport: ClientTransport = { mode: 'plaintext' }): Promise<ReflectedService[]> => {
  const channel = createChannel(address, createChannelCredentials(transport), channelOptionsFor(transport));
  try {
    const client = createClient(reflectionDefinition('v1'), channel);
    const ask = async (requests: ReflectionRequest[]): Promise<ReflectionResponse[]> => {
      const responses: ReflectionResponse[] = [];
      for await (const response of client.serverReflectionInfo((async function* () {
        yield* requests;
      })())) {
        responses.push(response);
      }
      return responses;
    };
    const [listing] = await ask([{ listServices: '' }]);
    const names = listing?.services ?? [];
    const files = await ask(names.map((name) => ({ fileContainingSymbol: name })));
    return names.map((name, i) => {
      const dot = name.lastIndexOf('.');
      const [packageName, serviceName] = [name.slice(0, dot), name.slice(dot + 1)];
      const methods = (files[i]?.fileDescriptorProtos ?? [])
        .map((bytes) => fromBinary(FileDescriptorProtoSchema, bytes))
        .filter((file) => file.package === packageName)
        .flatMap((file) => file.service.filter((s) => s.name === serviceName).flatMap((s) => s.method.map((m) => m.name)));
      return { name, methods };
    });
  } finally {
    channel.close();
  }
};
