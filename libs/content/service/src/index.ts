export * from './content.service';
