import { createMerchantAccessService } from '@govern/merchant-access-service';
import { describeServiceFuzz } from './service-fuzz';

describeServiceFuzz('merchant-access', () => createMerchantAccessService({ identityHashKey: 'fuzz-suite-identity-hash-key-0123456789abcdef' }));
