export * from './deployment-signal';
export * from './service-links';
