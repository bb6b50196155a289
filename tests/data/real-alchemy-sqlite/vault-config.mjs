// Deployed by real alchemy@0.94.0 into .alchemy/ files, or with STATE_FILE set into that SQLite database
// (SQLiteStateStore, libsql). Only kinds Alchemy never updates when nothing changed (no os::Exec): a second
// run over the same state reports every resource skipped. Secrets: string and object, a child scope with its
// own password.
import alchemy, { Resource } from "alchemy";
import { SQLiteStateStore } from "alchemy/state";
import { File } from "alchemy/fs";
import { RandomString } from "alchemy/random";

const Config = Resource("test::Config", async function (id, props) {
  if (this.phase === "delete") return this.destroy();
  return { name: props.name, apiKey: props.apiKey, creds: props.creds, plain: "visible" };
});

const app = await alchemy("vault", {
  stage: "dev",
  password: "correct horse battery staple",
  ...(process.env.STATE_FILE
    ? { stateStore: (scope) => new SQLiteStateStore(scope, { engine: "libsql", filename: process.env.STATE_FILE }) }
    : {}),
});
await File("readme", { path: "out/readme.txt", content: "hello" });
await RandomString("token", { length: 16 });
await Config("config", {
  name: "main",
  apiKey: alchemy.secret("api-key-123"),
  creds: alchemy.secret({ user: "admin", roles: ["a", "b"] }),
});
await alchemy.run("storage", async () => {
  await File("inner", { path: "out/inner.txt", content: "inner" });
});
await alchemy.run("team", { password: "team-scope-password" }, async () => {
  await Config("team-config", { name: "team", apiKey: alchemy.secret("team-key"), creds: alchemy.secret({ user: "t" }) });
});
await app.finalize();
