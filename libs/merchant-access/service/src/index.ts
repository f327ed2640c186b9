export * from './merchant-access.service';
