import { describeTrustBoundary } from '@govern/platform-service-testing';
import { contentService } from '../content.service';

describeTrustBoundary('content', () => contentService);
