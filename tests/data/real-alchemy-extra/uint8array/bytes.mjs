// Real alchemy@0.94.0: what it writes for a Uint8Array (not a Buffer) and what it reads back.
// Each run prints the previous output as Alchemy deserialized it from state.
import alchemy, { Resource } from "alchemy";

const show = (v) =>
  v instanceof Uint8Array
    ? `${v.constructor.name}(${v.length}) ${Buffer.from(v).toString("hex")}`
    : JSON.stringify(v);

const Bytes = Resource("test::Bytes", async function (id, props) {
  if (this.phase === "delete") return this.destroy();
  if (this.output) {
    console.log(`handler ${this.phase}: previous output.bytes = ${show(this.output.bytes)}`);
    console.log(`handler ${this.phase}: previous output.buffer = ${show(this.output.buffer)}`);
  }
  console.log(`handler ${this.phase}: props.bytes = ${show(props.bytes)}`);
  return {
    bytes: new Uint8Array([104, 105]),
    buffer: Buffer.from([104, 105]),
    note: props.note,
  };
});

const app = await alchemy("bytes", { stage: "dev", phase: process.argv[2] ?? "up" });
const payload = await Bytes("payload", { bytes: new Uint8Array([104, 105]), note: "hi" });
console.log(`resource: bytes = ${show(payload.bytes)}; buffer = ${show(payload.buffer)}`);
await app.finalize();
