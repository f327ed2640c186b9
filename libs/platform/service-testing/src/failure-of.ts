import { readErrorDetails, type GrpcErrorDetails } from '@govern/platform-grpc';

/** The gRPC error a call failed with (code name, ErrorInfo reason, field violations); throws if the call succeeded or failed otherwise. */
export const failureOf = async (call: Promise<unknown>): Promise<GrpcErrorDetails> => {
  try {
    await call;
  } catch (error) {
    const details = readErrorDetails(error);
    if (details) return details;
    throw error;
  }
  throw new Error('expected the call to fail');
};
