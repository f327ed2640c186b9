import { contentDescriptorSet, contentPolicy } from '@govern/contracts-content';
import { describePolicyTable } from '@govern/platform-service-testing';

describePolicyTable('content', { descriptorSet: contentDescriptorSet, policy: contentPolicy });
