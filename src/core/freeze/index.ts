export * from './freeze-window';
