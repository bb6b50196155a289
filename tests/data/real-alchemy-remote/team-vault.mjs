// A program deployed by real alchemy@0.94.0 into the team stores Athanor reads:
//   STATE_STORE=s3 S3_BUCKET=<bucket> [S3_PREFIX=<prefix>] node team-vault.mjs   Alchemy's S3StateStore (the
//       AWS SDK takes AWS_ENDPOINT_URL_S3, AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY as usual)
//   STATE_STORE=cloudflare STATE_WORKER_URL=<url> node team-vault.mjs   Alchemy's CloudflareStateStore
//       talking to the state worker at that URL (ALCHEMY_STATE_TOKEN): its provisioning through the
//       Cloudflare API is skipped, every store call is Alchemy's own (same request, serde and retries)
//   node team-vault.mjs                          Alchemy's own file store (.alchemy/)
// App `vault`, stage `dev`: fs::File, random::String (secret output), a custom kind with string and object
// secrets and a nested resource (its own scope below the stage), naked scope `storage`, child scope `team`
// with its own password. No os::Exec: a second run over unchanged state reports every resource skipped.
// Writes plaintexts.json beside itself (FQN -> JSON pointer -> plaintext), as Alchemy knows them.
import alchemy, { Resource } from "alchemy";
import { CloudflareStateStore } from "alchemy/state";
import { S3StateStore } from "alchemy/aws";
import { File } from "alchemy/fs";
import { RandomString } from "alchemy/random";
import { writeFileSync } from "node:fs";

class WorkerAtUrl extends CloudflareStateStore {
  // CloudflareStateStore.provision() without the Cloudflare API calls that deploy the worker.
  async provision() {
    const url = process.env.STATE_WORKER_URL;
    const token = process.env.ALCHEMY_STATE_TOKEN;
    return async (method, params) => {
      const response = await fetch(url, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: JSON.stringify({ method, params, context: { chain: this.scope.chain } }),
      });
      if (!response.headers.get("Content-Type")?.includes("application/json"))
        throw new Error(`"${method}" failed with status ${response.status}`);
      const json = await response.json();
      if (!json.success) throw new Error(`"${method}" failed with status ${response.status}: ${json.error}`);
      return json.result;
    };
  }
}

const stores = {
  s3: (scope) =>
    new S3StateStore(scope, {
      bucketName: process.env.S3_BUCKET,
      ...(process.env.S3_PREFIX ? { prefix: process.env.S3_PREFIX } : {}),
    }),
  cloudflare: (scope) => new WorkerAtUrl(scope),
};

const Config = Resource("test::Config", async function (id, props) {
  if (this.phase === "delete") return this.destroy();
  if (props.nested) await File("nested-file", { path: `out/${id}-nested.txt`, content: "nested" });
  return { name: props.name, apiKey: props.apiKey, creds: props.creds, plain: "visible" };
});

const app = await alchemy("vault", {
  stage: "dev",
  password: "correct horse battery staple",
  ...(process.env.STATE_STORE ? { stateStore: stores[process.env.STATE_STORE] } : {}),
});
const creds = { user: "admin", roles: ["a", "b"] };
await File("readme", { path: "out/readme.txt", content: "hello" });
const token = await RandomString("token", { length: 16 });
await Config("config", { name: "main", apiKey: alchemy.secret("api-key-123"), creds: alchemy.secret(creds), nested: true });
await File("docs/guide.md", { path: "out/guide.md", content: "guide" });
await alchemy.run("storage", async () => {
  await File("inner", { path: "out/inner.txt", content: "inner" });
});
await alchemy.run("team", { password: "team-scope-password" }, async () => {
  await Config("team-config", { name: "team", apiKey: alchemy.secret("team-key"), creds: alchemy.secret({ user: "t" }) });
});
if (app.phase === "up")
  writeFileSync(
    new URL("./plaintexts.json", import.meta.url),
    JSON.stringify(
      {
        "vault/dev/token": { "/output/value": token.value.unencrypted },
        "vault/dev/config": { "/props/apiKey": "api-key-123", "/props/creds": creds, "/output/apiKey": "api-key-123" },
        "vault/dev/team/team-config": { "/props/apiKey": "team-key", "/output/creds": { user: "t" } },
      },
      null,
      2,
    ),
  );
await app.finalize();
