// The NATS test helpers live once, in platform-testing; this keeps the events suites' imports working.
export { deleteNamespaceStreams, natsServerBinary, startNatsServer, type NatsServerProcess } from '@govern/platform-testing';
