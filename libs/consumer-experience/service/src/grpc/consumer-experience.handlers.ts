import type { ConsumerExperienceServiceImplementation } from '@govern/contracts-consumer-experience';
import { afterSaleHandlers } from './after-sale.handlers';
import { careHandlers } from './care.handlers';
import { complaintHandlers } from './complaint.handlers';
import { fundHandlers } from './fund.handlers';
import type { Call, HandlerKit } from './handler-kit';
import { orderHandlers } from './order.handlers';
import { statsHandlers } from './stats.handlers';

/**
 * Every RPC of ConsumerExperienceService, by area: request checks (the platform's RequestChecks,
 * every violation at once, proto field paths) and proto mapping in the handlers; mutations in the
 * platform's units of work (idempotent by request_id); rules in the use cases.
 */
export const consumerExperienceHandlers = (kit: HandlerKit): ConsumerExperienceServiceImplementation<Call> => ({
  ...orderHandlers(kit),
  ...afterSaleHandlers(kit),
  ...complaintHandlers(kit),
  ...fundHandlers(kit),
  ...statsHandlers(kit),
  ...careHandlers(kit),
});
