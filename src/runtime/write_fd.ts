/**
 * Write text to a file descriptor synchronously, whole. Bun builds `process.stdout` (a stream)
 * on first use, which costs more than the rest of `clearml --version`; a plain write does not.
 * A pipe left non-blocking by the reader may take part of the text or refuse with EAGAIN: the
 * rest is written after a short wait.
 */
const fs = () => process.getBuiltinModule("node:fs");

export function writeFd(fd: number, text: string): void {
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
