export * from './product-quality.service';
