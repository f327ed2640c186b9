import { productQualityDescriptorSet } from '@govern/contracts-product-quality';
import { DRAFT_PRODUCT_QUALITY_POLICY } from '@govern/platform-auth';
import { describePolicyTable } from '@govern/platform-service-testing';
import { productQualityPolicy } from './product-quality.policy';

describePolicyTable('product-quality', { descriptorSet: productQualityDescriptorSet, policy: productQualityPolicy, consoleCopy: DRAFT_PRODUCT_QUALITY_POLICY });
