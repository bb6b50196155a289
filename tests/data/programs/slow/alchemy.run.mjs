// A slow os::Exec, to cancel while it runs. The program and the command write their pids so that a test can
// check that nothing is left running afterwards.
import alchemy, { Resource } from "alchemy";
import { File } from "alchemy/fs";
import { Exec } from "alchemy/os";
import { writeFileSync } from "node:fs";

// With HANG_ON_EXIT=1 the program registers a cleanup that never ends and the command ignores SIGINT, so
// SIGINT alone does not stop them (Alchemy runs cleanups before it exits): only "Stop now" (SIGKILL) does.
const Hang = Resource("test::Hang", async function (id, props) {
  if (this.phase === "delete") return this.destroy();
  this.onCleanup(() => new Promise(() => setInterval(() => {}, 1000)));
  return this({});
});

writeFileSync("program.pid", String(process.pid));
const app = await alchemy("prog");
await File("first", { path: "first.txt", content: "1" });
if (process.env.HANG_ON_EXIT) await Hang("hang", {});
const ignoreInterrupt = process.env.HANG_ON_EXIT ? "trap '' INT; " : "";
await Exec("slow", { command: `${ignoreInterrupt}echo $$ > exec.pid; exec sleep 120` });
await File("after", { path: "after.txt", content: "2" });
await app.finalize();
