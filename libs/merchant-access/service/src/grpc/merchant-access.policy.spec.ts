import { merchantAccessDescriptorSet, merchantAccessPolicy } from '@govern/contracts-merchant-access';
import { describePolicyTable } from '@govern/platform-service-testing';

describePolicyTable('merchant-access', { descriptorSet: merchantAccessDescriptorSet, policy: merchantAccessPolicy });
