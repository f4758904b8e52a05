export * from './evaluate';
export * from './key-pattern';
export * from './policy';
