/**
 * Write text to stdout or stderr synchronously, whole, the cheapest way the runtime has. Bun
 * builds `process.stdout` (a stream) on first use, which costs more than the rest of `clearml
 * --version`, and loading `node:fs` costs a third of it; `console.log`/`console.error` do
 * neither and print synchronously, in order with the other writes. They add a newline, so a text
 * that ends with one goes through them (`%s`: printed as it is); any other text through `node:fs`.
 * A pipe left non-blocking by the reader may take part of the text or refuse with EAGAIN: the
 * rest is written after a short wait.
 */
const fs = () => process.getBuiltinModule("node:fs");

export function writeFd(fd: 1 | 2, text: string): void {
  if (text === "") return;
  if (text.charCodeAt(text.length - 1) === 10) {
    (fd === 1 ? console.log : console.error)("%s", text.slice(0, -1));
    return;
  }
  writeBytes(fd, text);
}

function writeBytes(fd: number, text: string): void {
  const bytes = new TextEncoder().encode(text);
  const { writeSync } = fs();
  let done = 0;
  while (done < bytes.length) {
    try {
      done += writeSync(fd, bytes, done, bytes.length - done);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === "EPIPE") return; // the reader is gone (`| head`): nothing more to say
      if (code !== "EAGAIN") throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
}
