/** How the web page prints times, durations and sizes (UTC, so every viewer reads the same). */
import { dateMs } from "../dates.ts";

/** `2025-01-15 10:00:00` (UTC) of a date the server wrote, or `""`. */
export function fmtDate(v: unknown): string {
  const ms = typeof v === "number" ? v : dateMs(v);
  if (ms === undefined || !Number.isFinite(ms)) return "";
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}

/** `3s`, `4m 05s`, `2h 03m 04s`, `1d 02h 03m`. */
export function fmtDuration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return "";
  const s = Math.floor(ms / 1000);
  const pad = (n: number) => String(n).padStart(2, "0");
  const [d, h, m, sec] = [
    Math.floor(s / 86400),
    Math.floor(s / 3600) % 24,
    Math.floor(s / 60) % 60,
    s % 60,
  ];
  if (d) return `${d}d ${pad(h)}h ${pad(m)}m`;
  if (h) return `${h}h ${pad(m)}m ${pad(sec)}s`;
  if (m) return `${m}m ${pad(sec)}s`;
  return `${sec}s`;
}

/** `512 B`, `1.5 KiB`, `3.2 MiB`. */
export function fmtBytes(n: unknown): string {
  if (typeof n !== "number" || !Number.isFinite(n) || n < 0) return "";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`;
}

/** A value of a parameter or a table cell as text (objects as JSON). */
export function fmtValue(v: unknown): string {
  if (v === undefined || v === null) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}
