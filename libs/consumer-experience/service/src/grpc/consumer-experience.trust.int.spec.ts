import { describeTrustBoundary } from '@govern/platform-service-testing';
import { createConsumerExperienceService } from '../consumer-experience.service';

describeTrustBoundary('consumer-experience', () => createConsumerExperienceService());
