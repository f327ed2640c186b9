import { merchantAccessDescriptorSet } from '@govern/contracts-merchant-access';
import { DRAFT_MERCHANT_ACCESS_POLICY } from '@govern/platform-auth';
import { describePolicyTable } from '@govern/platform-service-testing';
import { merchantAccessPolicy } from './merchant-access.policy';

describePolicyTable('merchant-access', { descriptorSet: merchantAccessDescriptorSet, policy: merchantAccessPolicy, consoleCopy: DRAFT_MERCHANT_ACCESS_POLICY });
