// An fs::Folder without `clean: true`: under Node, Alchemy 0.94 fails to delete it (ERR_FS_EISDIR,
// reference §12.2) and still exits 0 (§14.2). Athanor must call that destroy failed.
import alchemy from "alchemy";
import { File, Folder } from "alchemy/fs";

const app = await alchemy("prog");
await Folder("data", { path: "data" });
await File("readme", { path: "readme.txt", content: "hello" });
await app.finalize();
