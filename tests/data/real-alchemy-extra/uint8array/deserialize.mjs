// What alchemy@0.94.0's deserialize() makes of the two @buffer forms (src/serde.ts: Buffer.from(v, "base64")).
import { deserialize } from "alchemy";

for (const text of ["104,105", "aGk="]) {
  const value = await deserialize({}, { "@buffer": text });
  console.log(`${JSON.stringify({ "@buffer": text })} -> ${value.constructor.name}(${value.length}) ${value.toString("hex")}`);
}
