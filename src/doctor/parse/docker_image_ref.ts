/**
 * A docker image reference checked against docker's reference grammar, with messages that say
 * what is wrong: `[host[:port]/]path[:tag][@digest]`, where every path component is lower-case
 * `[a-z0-9]` runs joined by `.`, `_`, `__` or dashes, a tag is `[\w][\w.-]{0,127}` and a digest
 * is `algorithm:hex`. The first component is a registry host when it holds `.` or `:`, is
 * `localhost`, or has upper case (that is how docker decides, so `MyOrg/img` is a host name).
 */

export interface ImageRef {
  /** Registry host (and port) when the reference names one. */
  domain?: string;
  /** Repository path without the domain (`nvidia/cuda`, `ubuntu`). */
  path: string;
  tag?: string;
  digest?: string;
  /** The fully qualified name docker resolves it to (`docker.io/library/ubuntu:latest`). */
  canonical: string;
}

export type ImageRefResult =
  | ({ ok: true } & ImageRef)
  | { ok: false; problems: string[] };

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const IPV6_HOST = /^\[[0-9a-fA-F:.]+\]$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*):([0-9a-fA-F]{32,})$/;
const DIGEST_HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };
const NAME_MAX = 255;

function describeChar(ch: string): string {
  if (ch === " ") return "a space";
  if (ch === "\t") return "a tab";
  if (ch === "\n" || ch === "\r") return "a line break";
  return JSON.stringify(ch);
}

function checkDomain(domain: string): string | undefined {
  const m = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(domain);
  const host = m?.[1] ?? domain;
  const port = m?.[2];
  if (port !== undefined && !/^[0-9]+$/.test(port)) {
    return `registry port ${JSON.stringify(port)} is not a number`;
  }
  if (host.startsWith("[")) {
    return IPV6_HOST.test(host) ? undefined : `registry host ${host} is not an IPv6 address`;
  }
  if (!host.split(".").every((c) => DOMAIN_COMPONENT.test(c))) {
    return `registry host ${JSON.stringify(host)} is not a valid host name`;
  }
  return undefined;
}

function checkPathComponent(component: string): string | undefined {
  if (PATH_COMPONENT.test(component)) return undefined;
  if (component === "") {
    return "the repository path has an empty component (`//` or a trailing `/`)";
  }
  if (PATH_COMPONENT.test(component.toLowerCase())) {
    return `repository name component ${JSON.stringify(component)} must be lower case`;
  }
  const bad = Array.from(component).find((c) => !/[a-z0-9._-]/.test(c.toLowerCase()));
  if (bad !== undefined) {
    return `repository name component ${JSON.stringify(component)} contains ${describeChar(bad)}`;
  }
  return `repository name component ${
    JSON.stringify(component)
  } must start and end with a letter or digit, with single separators (., _, __ or dashes) between`;
}

export function dockerImageRef(value: string): ImageRefResult {
  if (value === "") return { ok: false, problems: ["the image name is empty"] };
  const problems: string[] = [];
  const quotes = Array.from(new Set(Array.from(value).filter((c) => c === '"' || c === "'")));
  if (quotes.length) {
    problems.push(
      `contains quote characters (${
        quotes.join(" ")
      }): they were kept as part of the value, docker does not remove them`,
    );
  }
  const space = Array.from(value).find((c) => /\s/.test(c));
  if (space !== undefined) problems.push(`contains ${describeChar(space)}`);
  if (problems.length) return { ok: false, problems };

  let rest = value;
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    const m = DIGEST.exec(digest);
    if (!m) {
      problems.push(
        `digest ${JSON.stringify(digest)} is not algorithm:hex (sha256:<64 hex digits>)`,
      );
    } else {
      const want = DIGEST_HEX_LENGTH[m[1]!.toLowerCase()];
      if (want !== undefined && m[2]!.length !== want) {
        problems.push(`a ${m[1]} digest has ${want} hex digits, this one has ${m[2]!.length}`);
      }
    }
  }

  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.lastIndexOf(":");
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) {
      problems.push(
        tag === ""
          ? "the tag after `:` is empty"
          : tag.length > 128
          ? `the tag is ${tag.length} characters long (at most 128)`
          : `tag ${JSON.stringify(tag)} may only hold letters, digits, _, . and - (not first)`,
      );
    }
  }

  const components = rest.split("/");
  let domain: string | undefined;
  const first = components[0]!;
  if (
    components.length > 1 &&
    (first.includes(".") || first.includes(":") || first === "localhost" ||
      first !== first.toLowerCase())
  ) {
    domain = first;
    components.shift();
    const bad = checkDomain(domain);
    if (bad) problems.push(bad);
    else if (domain !== domain.toLowerCase() && !domain.includes(".") && !domain.includes(":")) {
      problems.push(
        `${JSON.stringify(domain)} has upper case, so docker takes it for a registry host, ` +
          `not a repository: repository names must be lower case`,
      );
    }
  }
  if (rest === "") problems.push("the repository name is empty");
  else {
    for (const c of components) {
      const bad = checkPathComponent(c);
      if (bad) {
        problems.push(bad);
        break;
      }
    }
  }
  if (rest.length > NAME_MAX) {
    problems.push(`the repository name is ${rest.length} characters long (at most ${NAME_MAX})`);
  }
  if (problems.length) return { ok: false, problems };

  const path = components.join("/");
  const registry = domain ?? "docker.io";
  const repo = domain === undefined && components.length === 1 ? `library/${path}` : path;
  const canonical = `${registry}/${repo}` +
    (tag !== undefined || digest === undefined ? `:${tag ?? "latest"}` : "") +
    (digest !== undefined ? `@${digest}` : "");
  return {
    ok: true,
    ...(domain !== undefined ? { domain } : {}),
    path,
    ...(tag !== undefined ? { tag } : {}),
    ...(digest !== undefined ? { digest } : {}),
    canonical,
  };
}
