/** A realistic clearml.conf of a given size for the benchmarks, and a JSON text of the same data. */
import type { Plain } from "../../src/settings/tree.ts";

/** One section of a realistic config: what `clearml.conf` holds, with a unique name. */
function section(i: number): Record<string, Plain> {
  return {
    api: {
      web_server: `https://app-${i}.clear.ml`,
      api_server: `https://api-${i}.clear.ml:8008/v2`,
      files_server: `http://files-${i}.internal:8081/some/path`,
      verify_certificate: i % 2 === 0,
      http: { max_req_size: 15728640, retries: { total: 240, backoff_factor: 1.5 } },
      credentials: { access_key: `AK${i}XYZ0123456789`, secret_key: `sk-${i}-abcdefghijklmnop` },
    },
    sdk: {
      storage: {
        cache: { default_base_dir: `~/.clearml/cache-${i}`, size: { min_free_bytes: "10GB" } },
        direct_access: [{ url: "file://*" }, { url: `s3://bucket-${i}/*` }],
      },
      metrics: {
        file_history_size: 100,
        tensorboard_single_series_per_graph: false,
        images: {
          format: "JPEG",
          quality: 87,
          subsampling: 0,
        },
      },
      log: { null_log_propagate: false, task_log_buffer_capacity: 66, level: "INFO" },
      development: {
        task_reuse_time_window_in_hours: 72.0,
        vcs_repo_detect_async: true,
        worker: { report_period_sec: 2, ping_period_sec: 30, log_stdout: true },
      },
    },
    agent: {
      docker_image: "nvidia/cuda:11.0.3-cudnn8-runtime-ubuntu20.04",
      extra_docker_arguments: [
        "--ipc=host",
        `--network=net-${i}`,
        "-e",
        "NVIDIA_VISIBLE_DEVICES=all",
      ],
      package_manager: {
        type: "pip",
        pip_version: ["<20.2 ; python_version < '3.10'", "<22.3 ; python_version >= '3.10'"],
        extra_index_url: [`https://pypi-${i}.example.com/simple`],
        system_site_packages: false,
      },
      default_python: "3.10",
      description: `Worker number ${i} on the GPU farm, with two words here`,
    },
  };
}

const SAFE_UNQUOTED = /^[A-Za-z0-9_~./:-]+$/;

/** HOCON the way people write clearml.conf: unquoted URLs, comments, `:` and `=`, no commas. */
function toHocon(value: Plain, indent: string, out: string[]): void {
  if (Array.isArray(value)) {
    out.push("[\n");
    for (const item of value) {
      out.push(indent, "  ");
      toHocon(item, `${indent}  `, out);
      out.push(",\n");
    }
    out.push(indent, "]");
  } else if (value !== null && typeof value === "object") {
    out.push("{\n");
    let k = 0;
    for (const [key, v] of Object.entries(value)) {
      if (k++ % 3 === 0) out.push(indent, "  # ", key, " settings, see the docs\n");
      const isObj = v !== null && typeof v === "object" && !Array.isArray(v);
      out.push(indent, "  ", key, isObj ? " " : k % 2 === 0 ? ": " : " = ");
      toHocon(v, `${indent}  `, out);
      out.push(k % 4 === 0 ? "  // trailing comment\n" : "\n");
    }
    out.push(indent, "}");
  } else if (typeof value === "string") {
    out.push(
      SAFE_UNQUOTED.test(value) && !/^(true|false|null|[\d.+-]+)$/i.test(value)
        ? value
        : JSON.stringify(value),
    );
  } else {
    out.push(String(value));
  }
}

export function build(mb: number): { hocon: string; json: string } {
  const target = mb * 1024 * 1024;
  const hoconParts: string[] = ["# generated clearml.conf for the benchmark\n"];
  let size = 0;
  for (let i = 0; size < target; i++) {
    const out: string[] = [`section_${i} `];
    toHocon(section(i), "", out);
    out.push("\n\n");
    const text = out.join("");
    size += text.length;
    hoconParts.push(text);
  }
  const jsonObj: Record<string, Plain> = {};
  let jsonSize = 2;
  for (let i = 0; jsonSize < size; i++) {
    const s = section(i);
    jsonObj[`section_${i}`] = s;
    jsonSize += JSON.stringify(s, null, 2).length + `"section_${i}": ,\n`.length;
  }
  return { hocon: hoconParts.join(""), json: JSON.stringify(jsonObj, null, 2) };
}
