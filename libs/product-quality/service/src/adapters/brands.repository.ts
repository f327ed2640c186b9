import type { ProductQualityTx } from '@govern/product-quality-data-access';
import { sql } from '@govern/platform-db';
import { execute } from './sql-statements';

export interface BrandToInsert {
  brandId: string;
  name: string;
  /** compactText of the name: one brand per normalised name. */
  nameKey: string;
  aliases: readonly string[];
  /** Name and aliases normalised, as the listing gate matches them. */
  matchKeys: readonly string[];
  ownerId: string;
  trademarkNumber: string;
  authorisationRequired: boolean;
  categoryCodes: readonly string[];
  registeredAt: Date;
  expiresAt?: Date | undefined;
}

/** Inserts a brand unless one with the same normalised name exists; false then. */
export const insertBrand = async (tx: ProductQualityTx, b: BrandToInsert): Promise<boolean> => {
  const statement = sql`
    INSERT INTO brands (brand_id, name, name_key, aliases, match_keys, owner_id, trademark_number, authorisation_required, category_codes, registered_at, expires_at)
    VALUES (${b.brandId}, ${b.name}, ${b.nameKey}, ${JSON.stringify(b.aliases)}::jsonb, ${JSON.stringify(b.matchKeys)}::jsonb, ${b.ownerId}, ${b.trademarkNumber},
            ${b.authorisationRequired}, ${JSON.stringify(b.categoryCodes)}::jsonb, ${b.registeredAt}, ${b.expiresAt ?? null})
    ON CONFLICT (name_key) DO NOTHING`;
  return (await execute(tx, statement)) > 0;
};
