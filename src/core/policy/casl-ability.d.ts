/**
 * @casl/ability 7 publishes its typings only through package.json "exports", which this project's
 * `module: commonjs` (node10) resolution does not read; point the bare import at them explicitly.
 * Remove this file if the project moves to `moduleResolution: node16` or later.
 */
declare module '@casl/ability' {
  export * from '@casl/ability/dist/types/index';
}
