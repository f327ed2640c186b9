export * from './consumer-experience.service';
