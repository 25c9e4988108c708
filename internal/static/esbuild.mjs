// The esbuild options the bundles go generate builds share
// (internal/graphiql/build, internal/web/build): one minified script for
// browsers of 2020 on, in production mode, its licenses collected from
// the metafile (licenses.mjs) rather than left in comments.
export const bundleOptions = {
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2020',
  legalComments: 'none', // collected whole by writeLicenses instead
  define: { 'process.env.NODE_ENV': '"production"' },
  charset: 'utf8',
  metafile: true,
  logLevel: 'warning',
};
