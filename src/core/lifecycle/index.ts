export * from './serving';
export * from './settings';
export * from './states';
export * from './sweep-status';
