import { ClientError } from 'nice-grpc';

/** The ClientError a call failed with; throws if the call succeeded or failed otherwise. */
export const failure = async (call: Promise<unknown>): Promise<ClientError> => {
  try {
    await call;
  } catch (error) {
    if (error instanceof ClientError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
};
