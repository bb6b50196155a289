// A program deployed by real alchemy@0.94.0 with its SQLiteStateStore (engine libsql, as under node): a
// stage, a naked scope "storage", a child scope "team" with its own password, string and object secrets
// (os::Exec env and an extra prop), a random::String whose output is a secret.
//   STATE_FILE=<db> node vault.mjs [--stage dev] [--destroy]
// Writes plaintexts.json beside itself: every secret's plaintext at its place in the decrypted record, as
// Alchemy itself knows it (the random string's value too), for tests to compare with.
import alchemy from "alchemy";
import { SQLiteStateStore } from "alchemy/state";
import { File } from "alchemy/fs";
import { Exec } from "alchemy/os";
import { RandomString } from "alchemy/random";
import { writeFileSync } from "node:fs";

const app = await alchemy("vault", {
  stage: "dev",
  password: "correct horse battery staple",
  stateStore: (scope) => new SQLiteStateStore(scope, { engine: "libsql", filename: process.env.STATE_FILE }),
});
const creds = { user: "u", n: [1, 2] };
await File("readme", { path: "out/readme.txt", content: "hello" });
const token = await RandomString("token", { length: 16 });
await Exec("with-env", {
  command: "true",
  env: { TOKEN: alchemy.secret("s3cret-token") },
  meta: { creds: alchemy.secret(creds) },
});
await alchemy.run("storage", async () => {
  await File("inner", { path: "out/inner.txt", content: "inner" });
});
await alchemy.run("team", { password: "team-scope-password" }, async () => {
  await Exec("team-exec", { command: "true", env: { K: alchemy.secret("team-secret") } });
});
await app.finalize();

if (app.phase === "up")
  writeFileSync(
    new URL("./plaintexts.json", import.meta.url),
    JSON.stringify(
      {
        "vault/dev/token": { "/output/value": token.value.unencrypted },
        "vault/dev/with-env": {
          "/props/env/TOKEN": "s3cret-token",
          "/props/meta/creds": creds,
          "/output/env/TOKEN": "s3cret-token",
        },
        "vault/dev/team/team-exec": { "/props/env/K": "team-secret", "/output/env/K": "team-secret" },
      },
      null,
      2,
    ),
  );
