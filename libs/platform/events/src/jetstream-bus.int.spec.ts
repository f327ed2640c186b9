import { uniqueSuffix, testInfra } from '@govern/platform-testing';
import pino from 'pino';
import { eventBusContract } from './event-bus.contract';
import { createJetStreamBus } from './jetstream-bus';
import { deleteNamespaceStreams } from '@govern/platform-testing';

const log = pino({ level: 'silent' });

eventBusContract('JetStream', async () => {
  const { natsUrl } = await testInfra();
  // JetStream refuses overlapping subjects across streams: every test gets its own names.
  const namespace = `t${uniqueSuffix()}`;
  const bus = await createJetStreamBus({ natsUrl, log, namespace });
  return {
    bus,
    async dispose() {
      await bus.close();
      await deleteNamespaceStreams(natsUrl, namespace);
    },
  };
});
