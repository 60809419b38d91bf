/**
 * `nvidia-smi --query-gpu=<fields> --format=csv,nounits`: one header line naming the fields
 * (`memory.total [MiB]`), then one line per GPU. Columns are found by header name, so the field
 * order does not matter; `[N/A]` and `[Not Supported]` become undefined.
 */

export interface SmiCsvGpu {
  index?: number;
  name?: string;
  uuid?: string;
  driverVersion?: string;
  memoryTotalMiB?: number;
  busId?: string;
}

/** Split one CSV line; nvidia-smi quotes nothing, but names may hold commas only in theory. */
function cells(line: string): string[] {
  return line.split(",").map((c) => c.trim());
}

function present(v: string | undefined): string | undefined {
  if (v === undefined || v === "" || /^\[.*\]$/.test(v)) return undefined;
  return v;
}

export function nvidiaSmiCsv(text: string): SmiCsvGpu[] {
  const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
  const header = lines[0];
  if (header === undefined || !/\bindex\b|\bname\b|\buuid\b/.test(header)) return [];
  const columns = cells(header).map((h) => h.replace(/\s*\[.*\]$/, ""));
  const col = (row: string[], name: string) => present(row[columns.indexOf(name)]);
  return lines.slice(1).map((line) => {
    const row = cells(line);
    const gpu: SmiCsvGpu = {};
    const index = col(row, "index");
    if (index !== undefined && /^\d+$/.test(index)) gpu.index = Number(index);
    const name = col(row, "name");
    if (name !== undefined) gpu.name = name;
    const uuid = col(row, "uuid");
    if (uuid !== undefined) gpu.uuid = uuid;
    const driver = col(row, "driver_version");
    if (driver !== undefined) gpu.driverVersion = driver;
    const mem = col(row, "memory.total");
    if (mem !== undefined && /^\d+$/.test(mem)) gpu.memoryTotalMiB = Number(mem);
    const bus = col(row, "pci.bus_id");
    if (bus !== undefined) gpu.busId = bus;
    return gpu;
  });
}
