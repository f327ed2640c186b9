import { contentService } from '@govern/content-service';
import { describeServiceFuzz } from './service-fuzz';

describeServiceFuzz('content', () => contentService);
