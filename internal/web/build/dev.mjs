// npm run dev: the account against a running tez (TEZ_URL, default
// http://127.0.0.1:8080) at http://127.0.0.1:5173/account/. esbuild
// rebuilds on every save; the bundle is served from here, everything else
// (the page, /graphql, /account/session) from tez, Host kept so tez sees
// the requests as same-origin.
import * as esbuild from 'esbuild';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { options } from './build.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const target = new URL(process.env.TEZ_URL ?? 'http://127.0.0.1:8080');
const out = join(here, 'dev-out');
const ctx = await esbuild.context({ ...options, outdir: out, minify: false, sourcemap: 'linked', metafile: false });
await ctx.watch();
const bundle = await ctx.serve({ servedir: out, host: '127.0.0.1' });

http
  .createServer((req, res) => {
    const path = new URL(req.url, 'http://dev').pathname;
    const local = /^\/account\/app\/app\.(js|css)(\.map)?$/.test(path);
    const to = local ? { hostname: '127.0.0.1', port: bundle.port, path: path.slice('/account/app'.length) } : { hostname: target.hostname, port: target.port, path: req.url };
    const proxied = http.request({ ...to, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    proxied.on('error', (e) => {
      res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end(`cannot reach ${local ? 'esbuild' : target.origin}: ${e.message}\n`);
    });
    req.pipe(proxied);
  })
  .listen(5173, '127.0.0.1', () => console.log(`the account: http://127.0.0.1:5173/account/ (API: ${target.origin})`));
