// Reads every secret of the vault app's stage dev with real Alchemy in read phase, as `--read` would, and
// prints "READ <fqn> <json pointer> = <plaintext>" for each (the password: ALCHEMY_PASSWORD; the child scope
// team opens with its own, TEAM_PASSWORD). A record whose secrets do not decrypt is printed as
// "UNREADABLE <fqn>: <error>" and makes it exit with 2.
import alchemy, { isSecret } from "alchemy";

const app = await alchemy("vault", { stage: "dev", phase: "read", password: process.env.ALCHEMY_PASSWORD });

function walk(value, pointer, found) {
  if (isSecret(value)) found.push([pointer, value.unencrypted]);
  else if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${pointer}/${i}`, found));
  else if (value && typeof value === "object" && !(value instanceof Date) && !Buffer.isBuffer(value))
    for (const [k, v] of Object.entries(value)) walk(v, `${pointer}/${k}`, found);
  return found;
}

async function dump(scope) {
  // One record at a time: the store's get() decrypts (deserializes) a record's secrets as it reads it.
  for (const id of (await scope.state.list()).sort()) {
    try {
      const state = await scope.state.get(id);
      const lines = [];
      for (const field of ["props", "output"]) {
        for (const [pointer, plain] of walk(state[field], `/${field}`, []))
          lines.push(`READ ${state.fqn} ${pointer} = ${JSON.stringify(plain)}`);
      }
      for (const line of lines) console.log(line);
    } catch (error) {
      console.log(`UNREADABLE ${scope.chain.join("/")}/${id}: ${error.message}`);
      process.exitCode = 2;
    }
  }
}

// The stage's own scope is the parent of the child scope team.
let stage;
await alchemy.run("team", { password: process.env.TEAM_PASSWORD ?? "team-scope-password" }, async (scope) => {
  stage = scope.parent;
  await dump(scope);
});
await dump(stage);
await app.finalize();
