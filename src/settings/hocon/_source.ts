import type { Origin } from "../tree.ts";
import { HoconError } from "./hocon_error.ts";

/**
 * One text being parsed (the main file or an include): turns offsets into 1-based line/column
 * for origins and messages. Lines end at `\n` only, like the real reader's `lineno`/`col`.
 * Columns count UTF-16 code units.
 */
export class Source {
  readonly file: string;
  readonly text: string;
  /** False: every node of this text shares one origin at line 0 (nobody will print them). */
  readonly tracksOrigins: boolean;
  #starts: number[] | undefined;
  #hint = 0;
  #untracked: Origin | undefined;

  constructor(file: string, text: string, tracksOrigins = true) {
    this.file = file;
    this.text = text;
    this.tracksOrigins = tracksOrigins;
  }

  position(offset: number): { line: number; col: number } {
    const line = this.#lineIndex(offset);
    return { line: line + 1, col: offset - this.#starts![line]! + 1 };
  }

  origin(offset: number): Origin {
    if (!this.tracksOrigins) {
      return this.#untracked ??= { kind: "file", file: this.file, line: 0, col: 0 };
    }
    const line = this.#lineIndex(offset);
    return {
      kind: "file",
      file: this.file,
      line: line + 1,
      col: offset - this.#starts![line]! + 1,
    };
  }

  /** 0-based index of the line holding `offset`. */
  #lineIndex(offset: number): number {
    const starts = this.#lineStarts();
    const last = starts.length - 1;
    let lo = this.#hint;
    // Nodes are mostly created in text order: try the same line and the next one first.
    if (starts[lo]! <= offset && (lo === last || offset < starts[lo + 1]!)) return lo;
    lo++;
    if (lo <= last && starts[lo]! <= offset && (lo === last || offset < starts[lo + 1]!)) {
      this.#hint = lo;
      return lo;
    }
    lo = 0;
    let hi = last;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    this.#hint = lo;
    return lo;
  }

  error(offset: number, problem: string, expected: string): HoconError {
    const { line, col } = this.position(offset);
    return new HoconError({ file: this.file, line, col }, problem, expected);
  }

  #lineStarts(): number[] {
    if (this.#starts === undefined) {
      const starts = [0];
      const text = this.text;
      for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
      this.#starts = starts;
    }
    return this.#starts;
  }
}
