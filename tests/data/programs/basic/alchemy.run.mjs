// Local resources only: what `athanorctl up|read|destroy alchemy.run.mjs` runs under Node in the tests.
import alchemy, { Resource } from "alchemy";
import { File, Folder } from "alchemy/fs";
import fs from "node:fs/promises";

// A custom kind whose handler creates a nested resource (its line reads "note > copy").
const Note = Resource("test::Note", async function (id, props) {
  if (this.phase === "delete") {
    await fs.rm(props.path, { force: true });
    return this.destroy();
  }
  await fs.mkdir("out", { recursive: true });
  await fs.writeFile(props.path, props.text);
  const copy = await File("copy", { path: `${props.path}.copy`, content: props.text });
  return this({ path: props.path, text: props.text, copy: copy.path });
});

const content = process.env.PROGRAM_CONTENT ?? "v1";
const app = await alchemy("prog");
await Folder("out", { path: "out", clean: true });
const config = await File("config", { path: "out/config.txt", content });
await File("routes/api", { path: "out/routes-api.txt", content: "api" });
await File("left > right", { path: "out/arrow.txt", content: "arrow" });
await Note("note", { path: "out/note.txt", text: content });
await alchemy.run("grp", async () => {
  await File("inner", { path: "out/inner.txt", content: `inner ${content}` });
});
// A read run prints what state holds, as a user program would.
if (process.argv.includes("--read")) console.log(`READ config=${config.content}`);
await app.finalize();
