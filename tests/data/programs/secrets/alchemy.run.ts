// A secret in state: random::String stores its value encrypted with ALCHEMY_PASSWORD. The value is also
// written to a file, so a test can check that the program got the password the state was sealed with.
import alchemy from "alchemy";
import { File } from "alchemy/fs";
import { RandomString } from "alchemy/random";

const app = await alchemy("vaultprog");
const key = await RandomString("session-key", { length: 16 });
await File("token-file", { path: "out/token.txt", content: key.value.unencrypted });
await app.finalize();
