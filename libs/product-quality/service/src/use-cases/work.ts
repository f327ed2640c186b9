import type { ProductQualityTx } from '@govern/product-quality-data-access';
import { UnitOfWork, type UnitOfWorkInit, type UnitsOfWork } from '@govern/platform-runtime';
import type { ProductQualityDeps } from '../deps';

/**
 * product-quality's unit of work: the platform's (one transaction; its events, durable jobs and a
 * mutation's stored answer written together before COMMIT) with the service's dependencies, so a
 * use case takes the unit and a domain command and nothing else.
 */
export class Work extends UnitOfWork<ProductQualityTx> {
  constructor(
    init: UnitOfWorkInit<ProductQualityTx>,
    readonly deps: ProductQualityDeps,
  ) {
    super(init);
  }
}

export const createWork =
  (deps: ProductQualityDeps) =>
  (init: UnitOfWorkInit<ProductQualityTx>): Work =>
    new Work(init, deps);

export type ProductQualityUnits = UnitsOfWork<ProductQualityTx, Work>;
