import { consumerExperienceDescriptorSet } from '@govern/contracts-consumer-experience';
import { DRAFT_CONSUMER_EXPERIENCE_POLICY } from '@govern/platform-auth';
import { describePolicyTable } from '@govern/platform-service-testing';
import { consumerExperiencePolicy } from './consumer-experience.policy';

describePolicyTable('consumer-experience', { descriptorSet: consumerExperienceDescriptorSet, policy: consumerExperiencePolicy, consoleCopy: DRAFT_CONSUMER_EXPERIENCE_POLICY });
