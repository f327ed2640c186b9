import { createProductQualityService } from '@govern/product-quality-service';
import { describeServiceFuzz } from './service-fuzz';

describeServiceFuzz('product-quality', () => createProductQualityService());
