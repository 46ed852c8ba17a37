// handlebars ships no usable types for its runtime-only entry; it is the same API minus
// the compiler.
declare module 'handlebars/runtime.js' {
  import type Handlebars from 'handlebars';
  type Runtime = Omit<typeof Handlebars, 'compile' | 'precompile' | 'parse'> & {
    create(): Omit<typeof Handlebars, 'compile' | 'precompile' | 'parse'>;
  };
  const runtime: Runtime;
  export default runtime;
}
