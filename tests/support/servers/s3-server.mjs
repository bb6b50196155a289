// Runs s3rver (the S3 API over a local folder) on 127.0.0.1 as the S3 endpoint of Athanor's tests and
// benchmarks. Access key and secret are s3rver's own: S3RVER / S3RVER (it checks the key exists and that
// x-amz-content-sha256 is sent, not the SigV4 signature; it ignores If-None-Match on PUT).
//
// usage: node --openssl-legacy-provider s3-server.mjs NODE_MODULES --directory DIR [--port N]
//                                                     [--bucket NAME]...
//   --directory DIR  where s3rver keeps buckets and objects (a restart on the same DIR serves them again)
//   --port N         listen on N (default 0: a free port chosen by the OS)
//   --bucket NAME    create this bucket at start (repeatable)
// (--openssl-legacy-provider: s3rver's paged listings use an MD4-based token that OpenSSL 3 only has there.)
// Prints one line `{"url": "http://127.0.0.1:PORT", "port": PORT}` on stdout when it answers, then runs
// until SIGTERM/SIGINT (tests/support/StateServers.h runs it in a guarded process group).
import { createRequire } from "node:module";
import path from "node:path";

const args = process.argv.slice(2);
const nodeModules = args.shift();
let port = 0;
let directory;
const buckets = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--port") port = Number(args[++i]);
  else if (args[i] === "--directory") directory = args[++i];
  else if (args[i] === "--bucket") buckets.push(args[++i]);
  else {
    console.error(`s3-server: unknown option ${args[i]}`);
    process.exit(2);
  }
}
if (!nodeModules || !directory) {
  console.error("usage: s3-server.mjs NODE_MODULES --directory DIR [--port N] [--bucket NAME]...");
  process.exit(2);
}

const require = createRequire(path.join(nodeModules, "s3rver", "package.json"));
const S3rver = require("s3rver");
const server = new S3rver({
  address: "127.0.0.1",
  port,
  silent: true,
  directory,
  configureBuckets: buckets.map((name) => ({ name })),
});
const address = await server.run();
const stop = async () => {
  try {
    await server.close();
  } finally {
    process.exit(0);
  }
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.stdout.write(
  JSON.stringify({ url: `http://127.0.0.1:${address.port}`, port: address.port }) + "\n",
);
