export * from './category';
export * from './text';
