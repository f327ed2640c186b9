export * from './merchant-access.service';
export { DEVELOPMENT_IDENTITY_HASH_KEY, IDENTITY_HASH_KEY_MIN_LENGTH, type MerchantAccessSettings } from './settings';
