import { displayWidth } from "./display_width.ts";
import { type Write, writeJsonDocument } from "../settings/write_json.ts";

/** Machine output: stable key order as built, one trailing newline. */
export async function renderData(data: unknown, format: "json" | "yaml"): Promise<string> {
  const parts: string[] = [];
  await writeData(data, format, (text) => void parts.push(text));
  return parts.length === 1 ? parts[0]! : parts.join("");
}

/**
 * `renderData`'s text handed to `write`. With `longStrings` (the data holds a string of
 * `LONG_STRING` characters or more) JSON is written in pieces, long strings escaped block by
 * block (`writeJsonDocument`): `JSON.stringify` builds a document holding a 10 MB string in
 * buffers that grow by copying, each on fresh pages (under Deno, `config parse --json` of such a
 * file: 43,000 page faults and 580-650 ms per run, against 30,500 and 515-530 ms in pieces).
 * Without, `JSON.stringify`: several times faster than the pieces on many small values. YAML
 * goes through `writeYaml` (settings/write_yaml.ts), which hands long values on in pieces; the
 * yaml library is loaded on demand (it costs milliseconds at startup).
 */
export async function writeData(
  data: unknown,
  format: "json" | "yaml",
  write: Write,
  longStrings = false,
): Promise<void> {
  if (format === "json") {
    if (longStrings) writeJsonDocument(data, write);
    else {
      // The newline joins the last line only: joined to the whole text, it makes a copy of it
      // when the text is written (megabytes for `config parse --json` of a large file).
      const text = JSON.stringify(data, null, 2);
      const last = text.lastIndexOf("\n") + 1;
      if (last > 0) write(text.slice(0, last));
      write(text.slice(last) + "\n");
    }
    return;
  }
  const { writeYaml } = await import("../settings/write_yaml.ts");
  writeYaml(data, write, { lineWidth: 0 });
}

/** Left-aligned columns, no table library needed; aligned by display width (CJK takes two). */
export function columns(rows: string[][], gap = 2): string {
  const widths: number[] = [];
  const cells = rows.map((row) =>
    row.map((cell, i) => {
      const width = displayWidth(cell);
      widths[i] = Math.max(widths[i] ?? 0, width);
      return { cell, width };
    })
  );
  return cells
    .map((row) =>
      row.map(({ cell, width }, i) =>
        i === row.length - 1 ? cell : cell + " ".repeat((widths[i] ?? 0) + gap - width)
      ).join("").trimEnd()
    )
    .join("\n") + (rows.length ? "\n" : "");
}
