// Serves PostGraphile (graphile.config.mjs) over HTTP with grafserv's node
// adaptor on 127.0.0.1:$PORT, POST /graphql, until SIGINT or SIGTERM.

// PostGraphile 5.1 declares Node >= 22. Of what Node 22 added, grafast and
// @dataplan/pg call only Promise.withResolvers, so on Node 20 (this
// machine's) it is defined here, as the specification defines it, before
// they load (hence the dynamic imports below). On Node 22 this does nothing.
if (typeof Promise.withResolvers !== "function") {
  Promise.withResolvers = function withResolvers() {
    let resolve, reject;
    const promise = new this((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

const { createServer } = await import("node:http");
const { postgraphile } = await import("postgraphile");
const { grafserv } = await import("postgraphile/grafserv/node");
const { default: preset } = await import("./graphile.config.mjs");

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
const { port, host } = preset.grafserv;
server.once("listening", () => {
  server.on("error", (e) => console.error(e));
  console.error(`PostGraphile at http://${host}:${port}/graphql (Node ${process.version})`);
});
try {
  await serv.addTo(server);
} catch (e) {
  console.error(e);
  process.exit(1);
}
server.listen(port, host);

const stop = () => {
  server.close();
  pgl.release().then(() => process.exit(0), () => process.exit(1));
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
