import { describeTrustBoundary } from '@govern/platform-service-testing';
import { createProductQualityService } from '../product-quality.service';

describeTrustBoundary('product-quality', () => createProductQualityService());
