// Real Alchemy (alchemy@0.94.0) with resource ids that hold a backslash. Run from this folder:
//   ALCHEMY_TELEMETRY_DISABLED=1 NO_COLOR=1 node backslash-ids.mjs --stage dev
// (with the pinned alchemy package reachable as ./node_modules, e.g. a symlink to the node-deps cache).
import alchemy from "alchemy";
import { File } from "alchemy/fs";

const app = await alchemy("bs", { password: "correct horse battery staple" });
await File("plain", { path: "out/plain.txt", content: "plain\n" });
await File("back\\slash", { path: "out/back-slash.txt", content: "made by an id with a backslash\n" });
await alchemy.run("grp", async () => {
  await File("a\\b\\c", { path: "out/grp-a-b-c.txt", content: "two backslashes in a child scope\n" });
});
await app.finalize();
