import { consumerExperienceDescriptorSet, consumerExperiencePolicy } from '@govern/contracts-consumer-experience';
import { describePolicyTable } from '@govern/platform-service-testing';

describePolicyTable('consumer-experience', { descriptorSet: consumerExperienceDescriptorSet, policy: consumerExperiencePolicy });
