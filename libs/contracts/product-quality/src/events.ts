/**
 * The governance events product-quality publishes: protobuf type, subject and codec of each.
 * Producers append them to their outbox; consumers in other services subscribe by these.
 */
import { defineEventType } from '@govern/contracts-common';
import {
  InspectionFailed,
  ListingApproved,
  ListingRejected,
  ProductBanned,
  ProductUnbanned,
  QualityTierChanged,
} from './gen';

export const ListingApprovedEvent = defineEventType<ListingApproved>('govern.product_quality.v1.ListingApproved', 'govern.product_quality.listing.approved', ListingApproved);
export const ListingRejectedEvent = defineEventType<ListingRejected>('govern.product_quality.v1.ListingRejected', 'govern.product_quality.listing.rejected', ListingRejected);
export const ProductBannedEvent = defineEventType<ProductBanned>('govern.product_quality.v1.ProductBanned', 'govern.product_quality.product.banned', ProductBanned);
export const ProductUnbannedEvent = defineEventType<ProductUnbanned>('govern.product_quality.v1.ProductUnbanned', 'govern.product_quality.product.unbanned', ProductUnbanned);
export const InspectionFailedEvent = defineEventType<InspectionFailed>('govern.product_quality.v1.InspectionFailed', 'govern.product_quality.inspection.failed', InspectionFailed);
export const QualityTierChangedEvent = defineEventType<QualityTierChanged>('govern.product_quality.v1.QualityTierChanged', 'govern.product_quality.quality_tier.changed', QualityTierChanged);

/** Every event type product-quality publishes. */
export const productQualityEvents = [ListingApprovedEvent, ListingRejectedEvent, ProductBannedEvent, ProductUnbannedEvent, InspectionFailedEvent, QualityTierChangedEvent] as const;
