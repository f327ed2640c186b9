export * from './generators/service/service.generator';
