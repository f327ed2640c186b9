import { createConsumerExperienceService } from '@govern/consumer-experience-service';
import { describeServiceFuzz } from './service-fuzz';

describeServiceFuzz('consumer-experience', () => createConsumerExperienceService());
