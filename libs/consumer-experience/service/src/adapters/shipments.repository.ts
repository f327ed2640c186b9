import type { OrderRow, Prisma, ShipmentRow } from '@govern/consumer-experience-data-access';
import { isUniqueViolation, rowFromSql, sql, type Sql } from '@govern/platform-db';

/**
 * Parcels in plain SQL: a shipment is registered once per order (and per return or replacement), as
 * often as orders are recorded, and Prisma's model API costs about 0.35 ms of CPU and a round trip
 * per call against 0.02 ms for a plain statement (see bench/transaction-paths.bench.ts).
 */
export interface NewShipment {
  trackingNumber: string;
  carrierCode: string;
  kind: 'FORWARD' | 'RETURN' | 'REPLACEMENT';
  orderId: string;
  afterSaleId?: string | null;
  shippedAt: Date;
  firstScanDueAt?: Date | null;
  dispatchedOnTime?: boolean | null;
  shippingFeeFen?: bigint | null;
}

/**
 * Locks the order a parcel belongs to (its payout record, as every order step does) and reads the
 * parcel as it stands under that lock: both statements leave in one write, and the parcel's read
 * runs once the lock is granted. Undefined for a tracking number never registered.
 */
export const lockParcel = async (db: Sql, trackingNumber: string): Promise<{ order: OrderRow; shipment: ShipmentRow } | undefined> => {
  const locking = db.query(sql`SELECT * FROM orders WHERE order_id = (SELECT order_id FROM shipments WHERE tracking_number = ${trackingNumber}) FOR UPDATE`);
  const reading = db.query(sql`SELECT * FROM shipments WHERE tracking_number = ${trackingNumber}`);
  const [order] = await locking;
  const [shipment] = await reading;
  return order && shipment ? { order: rowFromSql<OrderRow>(order), shipment: rowFromSql<ShipmentRow>(shipment) } : undefined;
};

/** A carrier scan and the parcel's milestones it moves, sent without waiting (they leave with COMMIT). */
export const recordScan = (
  db: Sql,
  scan: { trackingNumber: string; scanType: string; scannedAt: Date; location: string; recordedAt: Date },
  milestones: Pick<ShipmentRow, 'firstScanAt' | 'pickupAt' | 'deliveredAt'>,
): void => {
  db.send(sql`
    INSERT INTO tracking_scans (tracking_number, scan_type, scanned_at, location, recorded_at)
    VALUES (${scan.trackingNumber}, ${scan.scanType}, ${scan.scannedAt}::timestamptz, ${scan.location}, ${scan.recordedAt}::timestamptz)`);
  db.send(sql`
    UPDATE shipments SET first_scan_at = ${milestones.firstScanAt}::timestamptz, pickup_at = ${milestones.pickupAt}::timestamptz,
                         delivered_at = ${milestones.deliveredAt}::timestamptz
     WHERE tracking_number = ${scan.trackingNumber}`);
};

/**
 * Locks an order (its payout record) and reads its forward parcel as it stands under that lock: both
 * statements leave in one write (see lockParcel). Undefined for an unknown order.
 */
export const lockOrderWithForwardShipment = async (db: Sql, orderId: string): Promise<{ order: OrderRow; shipment: ShipmentRow | undefined } | undefined> => {
  const locking = db.query(sql`SELECT * FROM orders WHERE order_id = ${orderId} FOR UPDATE`);
  const reading = db.query(sql`SELECT * FROM shipments WHERE order_id = ${orderId} AND kind = 'FORWARD' LIMIT 1`);
  const [order] = await locking;
  const [shipment] = await reading;
  return order ? { order: rowFromSql<OrderRow>(order), shipment: shipment ? rowFromSql<ShipmentRow>(shipment) : undefined } : undefined;
};

/** A forward parcel found fake, and its order, sent without waiting (they leave with COMMIT). */
export const markFakeShipment = (db: Sql, change: { trackingNumber: string; orderId: string; promiseReasons: Prisma.InputJsonValue; now: Date }): void => {
  db.send(sql`UPDATE shipments SET fake_shipment = true WHERE tracking_number = ${change.trackingNumber}`);
  db.send(sql`
    UPDATE orders SET fake_shipment = true, promise_reasons = ${JSON.stringify(change.promiseReasons)}::jsonb, updated_at = ${change.now}::timestamptz
     WHERE order_id = ${change.orderId}`);
};

/**
 * Registers a parcel without waiting (it leaves with the unit's next statement or COMMIT): a
 * tracking number already registered violates the primary key, which fails the unit with what
 * `refuse` makes of it (a concurrent insert of the same number waits for that commit first).
 */
export const sendShipment = (db: Pick<Sql, 'sendRefusing'>, shipment: NewShipment, now: Date, refuse: () => Error): void => {
  db.sendRefusing(
    sql`
    INSERT INTO shipments (tracking_number, carrier_code, kind, order_id, after_sale_id, shipped_at, first_scan_due_at, dispatched_on_time, shipping_fee_fen, created_at)
    VALUES (${shipment.trackingNumber}, ${shipment.carrierCode}, ${shipment.kind}, ${shipment.orderId}, ${shipment.afterSaleId ?? null}::text, ${shipment.shippedAt}::timestamptz,
            ${shipment.firstScanDueAt ?? null}::timestamptz, ${shipment.dispatchedOnTime ?? null}::boolean, ${shipment.shippingFeeFen ?? null}::bigint, ${now}::timestamptz)`,
    (error) => (isUniqueViolation(error) && (error as { constraint?: string }).constraint === 'shipments_pkey' ? refuse() : undefined),
  );
};

/** The parcel as sendShipment stores it, the columns left to their defaults included: the answer without a read back. */
export const shipmentAsStored = (shipment: NewShipment, now: Date): ShipmentRow => ({
  trackingNumber: shipment.trackingNumber,
  carrierCode: shipment.carrierCode,
  kind: shipment.kind,
  orderId: shipment.orderId,
  afterSaleId: shipment.afterSaleId ?? null,
  shippedAt: shipment.shippedAt,
  firstScanDueAt: shipment.firstScanDueAt ?? null,
  firstScanAt: null,
  pickupAt: null,
  deliveredAt: null,
  fakeShipment: false,
  dispatchedOnTime: shipment.dispatchedOnTime ?? null,
  shippingFeeFen: shipment.shippingFeeFen ?? null,
  createdAt: now,
});
