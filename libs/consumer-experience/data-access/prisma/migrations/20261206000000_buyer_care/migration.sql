-- Buyer care (issue 19): buyers' contacts with merchants' customer service under the service-norm
-- policy, and new-buyer care cases. Times come from the service's clock (no database defaults).

-- Whether an order was a new buyer's when recorded (the care policy's first orders), and under
-- which care policy version: its care timers were scheduled by that decision.
ALTER TABLE "orders" ADD COLUMN "new_buyer" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "orders" ADD COLUMN "new_buyer_policy_version" TEXT;

CREATE TABLE "buyer_contacts" (
    "contact_id" TEXT NOT NULL,
    "buyer_id" TEXT NOT NULL,
    "merchant_id" TEXT NOT NULL,
    "order_id" TEXT,
    -- CHAT or MESSAGE.
    "channel" TEXT NOT NULL,
    -- PRE_SALE, ORDER_PROBLEM or AFTER_SALE.
    "topic" TEXT NOT NULL,
    "contacted_at" TIMESTAMPTZ(3) NOT NULL,
    "first_reply_due_at" TIMESTAMPTZ(3) NOT NULL,
    "first_reply_at" TIMESTAMPTZ(3),
    "breached" BOOLEAN NOT NULL DEFAULT false,
    "resolved_mark_at" TIMESTAMPTZ(3),
    "rating" INTEGER,
    "buyer_resolved" BOOLEAN,
    "rated_at" TIMESTAMPTZ(3),
    "new_buyer" BOOLEAN NOT NULL,
    -- [{code, message, evidence}], oldest first: the due time, the reply's judgement, a breach.
    "reasons" JSONB NOT NULL,
    "policy_name" TEXT NOT NULL,
    "policy_version" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "buyer_contacts_pkey" PRIMARY KEY ("contact_id"),
    CONSTRAINT "buyer_contacts_rating_check" CHECK ("rating" IS NULL OR "rating" BETWEEN 1 AND 5)
);

CREATE INDEX "buyer_contacts_merchant_id_contacted_at_idx" ON "buyer_contacts"("merchant_id", "contacted_at");
CREATE INDEX "buyer_contacts_merchant_id_first_reply_due_at_idx" ON "buyer_contacts"("merchant_id", "first_reply_due_at");
CREATE INDEX "buyer_contacts_contacted_at_idx" ON "buyer_contacts"("contacted_at");
CREATE INDEX "buyer_contacts_rated_at_idx" ON "buyer_contacts"("rated_at");

CREATE TABLE "care_cases" (
    "case_id" TEXT NOT NULL,
    -- What is watched: "<kind>:<order id>" or "REFUND_PENDING:<after-sale id>"; one case per watch,
    -- so a timer firing twice opens nothing new.
    "watch_key" TEXT NOT NULL,
    "order_id" TEXT NOT NULL,
    "buyer_id" TEXT NOT NULL,
    "merchant_id" TEXT NOT NULL,
    -- DISPATCH_STUCK, NO_LOGISTICS_SCAN or REFUND_PENDING.
    "kind" TEXT NOT NULL,
    "after_sale_id" TEXT,
    -- OPEN, RESOLVED_BY_MERCHANT or RESOLVED_BY_PLATFORM.
    "status" TEXT NOT NULL,
    "opened_at" TIMESTAMPTZ(3) NOT NULL,
    "step_in_due_at" TIMESTAMPTZ(3) NOT NULL,
    "resolved_at" TIMESTAMPTZ(3),
    "compensation_id" TEXT,
    "paid_fen" BIGINT NOT NULL DEFAULT 0,
    -- [{step, at, reasons, policy}], oldest first.
    "steps" JSONB NOT NULL,
    "policy_name" TEXT NOT NULL,
    "policy_version" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "care_cases_pkey" PRIMARY KEY ("case_id"),
    CONSTRAINT "care_cases_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("order_id") ON DELETE RESTRICT ON UPDATE CASCADE
);

CREATE UNIQUE INDEX "care_cases_watch_key_key" ON "care_cases"("watch_key");
CREATE INDEX "care_cases_order_id_opened_at_idx" ON "care_cases"("order_id", "opened_at");
CREATE INDEX "care_cases_buyer_id_opened_at_idx" ON "care_cases"("buyer_id", "opened_at");
CREATE INDEX "care_cases_merchant_id_opened_at_idx" ON "care_cases"("merchant_id", "opened_at");
CREATE INDEX "care_cases_opened_at_idx" ON "care_cases"("opened_at");
CREATE INDEX "care_cases_resolved_at_idx" ON "care_cases"("resolved_at");
