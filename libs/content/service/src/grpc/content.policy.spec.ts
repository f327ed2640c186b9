import { contentDescriptorSet } from '@govern/contracts-content';
import { DRAFT_CONTENT_POLICY } from '@govern/platform-auth';
import { describePolicyTable } from '@govern/platform-service-testing';
import { contentPolicy } from './content.policy';

describePolicyTable('content', { descriptorSet: contentDescriptorSet, policy: contentPolicy, consoleCopy: DRAFT_CONTENT_POLICY });
