// A custom kind whose handler throws: the run must end failed with this resource and message pinned.
import alchemy, { Resource } from "alchemy";
import { File } from "alchemy/fs";

const Quota = Resource("test::Quota", async function (id, props) {
  if (this.phase === "delete") return this.destroy();
  throw new Error(`quota exceeded for ${id}: limit ${props.limit}`);
});

const app = await alchemy("prog");
await File("before", { path: "out/before.txt", content: "ok" });
await Quota("bad-thing", { limit: 3 });
await File("after", { path: "out/after.txt", content: "never" });
await app.finalize();
