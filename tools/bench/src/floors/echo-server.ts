/**
 * A bare grpc-js server with one echo method, in its own process like the services: the floor
 * the decision reads are compared with. Prints {"address": "..."} once it listens; SIGTERM stops it.
 */
import { Server, ServerCredentials, type sendUnaryData, type ServerUnaryCall } from '@grpc/grpc-js';
import { ECHO_SERVICE } from './echo-service';

const server = new Server();
server.addService(ECHO_SERVICE, {
  echo: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => callback(null, call.request),
});
server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, port) => {
  if (error) {
    console.error(error);
    process.exit(1);
  }
  console.log(JSON.stringify({ address: `127.0.0.1:${port}` }));
});
process.once('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
