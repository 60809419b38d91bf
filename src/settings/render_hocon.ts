/** Render a tree as clearml.conf-style HOCON, optionally with each value's origin as a comment. */
import { type ConfNode, formatOrigin } from "./tree.ts";

function key(k: string): string {
  return /^[A-Za-z0-9_-]+$/.test(k) ? k : JSON.stringify(k);
}

function scalar(node: ConfNode & { type: "scalar" }): string {
  return typeof node.value === "string" ? JSON.stringify(node.value) : String(node.value);
}

function inline(node: ConfNode): string | undefined {
  if (node.type === "scalar") return scalar(node);
  if (node.type === "list" && node.items.every((i) => i.type === "scalar")) {
    const s = `[${node.items.map((i) => inline(i)).join(", ")}]`;
    return s.length <= 80 ? s : undefined;
  }
  if (node.type === "object" && node.entries.size === 0) return "{}";
  return undefined;
}

export function renderHocon(root: ConfNode, opts: { origins?: boolean } = {}): string {
  const lines: string[] = [];
  const comment = (n: ConfNode) => (opts.origins ? `  # ${formatOrigin(n.origin)}` : "");
  const walk = (node: ConfNode, indent: string): void => {
    if (node.type === "object") {
      for (const [k, v] of node.entries) {
        const one = inline(v);
        if (one !== undefined) lines.push(`${indent}${key(k)}: ${one}${comment(v)}`);
        else if (v.type === "object") {
          lines.push(`${indent}${key(k)} {`);
          walk(v, indent + "  ");
          lines.push(`${indent}}`);
        } else {
          lines.push(`${indent}${key(k)}: [${comment(v)}`);
          walk(v, indent + "  ");
          lines.push(`${indent}]`);
        }
      }
    } else if (node.type === "list") {
      for (const item of node.items) {
        const one = inline(item);
        if (one !== undefined) lines.push(`${indent}${one}${comment(item)}`);
        else if (item.type === "object") {
          lines.push(`${indent}{`);
          walk(item, indent + "  ");
          lines.push(`${indent}}`);
        } else {
          lines.push(`${indent}[`);
          walk(item, indent + "  ");
          lines.push(`${indent}]`);
        }
      }
    }
  };
  walk(root, "");
  return lines.join("\n") + (lines.length ? "\n" : "");
}
