import { displayWidth } from "./display_width.ts";

/** Machine output: stable key order as built, one trailing newline. */
export async function renderData(data: unknown, format: "json" | "yaml"): Promise<string> {
  if (format === "json") return JSON.stringify(data, null, 2) + "\n";
  // loaded on demand: the yaml library costs milliseconds at startup
  const YAML = (await import("yaml")).default;
  return YAML.stringify(data, { lineWidth: 0 });
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
