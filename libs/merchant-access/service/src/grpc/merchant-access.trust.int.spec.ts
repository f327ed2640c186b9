import { describeTrustBoundary } from '@govern/platform-service-testing';
import { createMerchantAccessService } from '../merchant-access.service';

describeTrustBoundary('merchant-access', () => createMerchantAccessService({ identityHashKey: 'integration-test-identity-hash-key-0123456789' }));
