// Runs the real Cloudflare state-store worker that alchemy@0.94.0 ships
// (node_modules/alchemy/workers/cloudflare-state-store.js) under miniflare on 127.0.0.1, with its
// SQLite-backed Durable Object, for Athanor's tests and benchmarks.
//
// usage: node cloudflare-state-worker.mjs NODE_MODULES [--port N] [--persist DIR]
//   STATE_TOKEN (environment, required): the worker's token (never on the command line)
//   --port N        listen on N (default 0: a free port chosen by the OS)
//   --persist DIR   keep the Durable Object's database in DIR, so a restart on the same port serves the
//                   same state (default: in memory)
// Prints one line `{"url": "http://127.0.0.1:PORT", "port": PORT}` on stdout when it answers, then runs
// until SIGTERM/SIGINT (tests/support/StateServers.h runs it in a guarded process group).
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";

const args = process.argv.slice(2);
const nodeModules = args.shift();
if (!nodeModules) {
  console.error("usage: cloudflare-state-worker.mjs NODE_MODULES [--port N] [--persist DIR]");
  process.exit(2);
}
let port = 0;
let persist;
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--port") port = Number(args[++i]);
  else if (args[i] === "--persist") persist = args[++i];
  else {
    console.error(`cloudflare-state-worker: unknown option ${args[i]}`);
    process.exit(2);
  }
}
const token = process.env.STATE_TOKEN;
if (!token) {
  console.error("cloudflare-state-worker: STATE_TOKEN is not set");
  process.exit(2);
}

const require = createRequire(path.join(nodeModules, "alchemy", "package.json"));
const { Miniflare } = require("miniflare");
const scriptPath = path.join(nodeModules, "alchemy", "workers", "cloudflare-state-store.js");

const mf = new Miniflare({
  modules: true,
  script: fs.readFileSync(scriptPath, "utf8"),
  compatibilityDate: "2025-06-01",
  bindings: { STATE_TOKEN: token },
  durableObjects: { STORE: { className: "Store", useSQLite: true } },
  ...(persist ? { durableObjectsPersist: persist } : {}),
  host: "127.0.0.1",
  port,
});
const url = await mf.ready;
const stop = async () => {
  try {
    await mf.dispose();
  } finally {
    process.exit(0);
  }
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.stdout.write(JSON.stringify({ url: url.origin, port: Number(url.port) }) + "\n");
