import { ConsumerNotRunningError } from './dead-letters';
import type { ConsumeOptions, IncomingMessage } from './event-bus';

/** Consumers a bus runs, by durable name: the handlers a re-drive goes through. */
export const consumerRegistry = () => {
  const running = new Map<string, ConsumeOptions>();
  return {
    add(options: ConsumeOptions): () => void {
      running.set(options.durable, options);
      return () => {
        if (running.get(options.durable) === options) running.delete(options.durable);
      };
    },
    names: (): string[] => [...running.keys()],
    async redeliver(durable: string, message: IncomingMessage): Promise<void> {
      const options = running.get(durable);
      if (!options) throw new ConsumerNotRunningError(durable);
      await options.handler(message);
    },
  };
};
