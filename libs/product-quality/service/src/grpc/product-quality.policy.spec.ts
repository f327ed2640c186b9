import { productQualityDescriptorSet, productQualityPolicy } from '@govern/contracts-product-quality';
import { describePolicyTable } from '@govern/platform-service-testing';

describePolicyTable('product-quality', { descriptorSet: productQualityDescriptorSet, policy: productQualityPolicy });
