/**
 * Ad-hoc code signatures for the darwin binaries, in TypeScript (no codesign off macOS).
 * `bun build --compile` for darwin-x64 inserts its `__BUN` segment into a runtime that carries
 * Bun's own Developer ID signature and leaves that signature as it was: its code limit and page
 * hashes describe the old file, so macOS rejects the binary. `adhocSign` replaces the signature
 * with an ad-hoc one over the whole file as it is now: one CodeDirectory (SHA-256, 4 KiB pages,
 * no CMS blob), as `codesign -s -` writes for a plain executable. `pageHashErrors` recomputes the
 * page hashes of every CodeDirectory, for tests and for the build.
 * Layouts: <mach-o/loader.h> (mach_header_64, segment_command_64, linkedit_data_command) and
 * <Kernel/kern/cs_blobs.h> (CS_SuperBlob, CS_CodeDirectory), both big-endian inside the blob.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";

const MH_MAGIC_64 = 0xfeedfacf;
const LC_SEGMENT_64 = 0x19;
const LC_CODE_SIGNATURE = 0x1d;
const CSMAGIC_EMBEDDED_SIGNATURE = 0xfade0cc0;
const CSMAGIC_CODEDIRECTORY = 0xfade0c02;
const CSSLOT_CODEDIRECTORY = 0;
const CSSLOT_ALTERNATE_CODEDIRECTORIES = 0x1000;
const CS_ADHOC = 0x2;
const CS_EXECSEG_MAIN_BINARY = 0x1;
const CS_HASHTYPE_SHA1 = 1;
const CS_HASHTYPE_SHA256 = 2;
const CD_VERSION = 0x20400; // with the executable-segment fields
const CD_HEADER = 88;
const PAGE_SHIFT = 12;
const PAGE = 1 << PAGE_SHIFT;

interface Layout {
  /** Offset of the LC_CODE_SIGNATURE load command and of its data. */
  sigCmd: number;
  dataoff: number;
  datasize: number;
  /** Offset of the __LINKEDIT segment command, and its file offset. */
  linkeditCmd: number;
  linkeditFileoff: number;
  /** __TEXT's file offset and size: the executable segment. */
  textFileoff: number;
  textFilesize: number;
}

function layout(b: Uint8Array): Layout {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (v.getUint32(0, true) !== MH_MAGIC_64) {
    throw new Error("not a 64-bit little-endian Mach-O file");
  }
  const ncmds = v.getUint32(16, true);
  let off = 32;
  const out: Partial<Layout> = {};
  for (let i = 0; i < ncmds; i++) {
    const cmd = v.getUint32(off, true);
    const size = v.getUint32(off + 4, true);
    if (cmd === LC_SEGMENT_64) {
      const name = new TextDecoder().decode(b.subarray(off + 8, off + 24)).replace(/\0+$/, "");
      const fileoff = Number(v.getBigUint64(off + 40, true));
      const filesize = Number(v.getBigUint64(off + 48, true));
      if (name === "__LINKEDIT") [out.linkeditCmd, out.linkeditFileoff] = [off, fileoff];
      if (name === "__TEXT") [out.textFileoff, out.textFilesize] = [fileoff, filesize];
    } else if (cmd === LC_CODE_SIGNATURE) {
      out.sigCmd = off;
      out.dataoff = v.getUint32(off + 8, true);
      out.datasize = v.getUint32(off + 12, true);
    }
    off += size;
  }
  if (out.sigCmd === undefined || out.linkeditCmd === undefined || out.textFilesize === undefined) {
    throw new Error("no LC_CODE_SIGNATURE, __LINKEDIT or __TEXT load command");
  }
  return out as Layout;
}

/** The file with a fresh ad-hoc signature in place of the one it has. */
export function adhocSign(input: Uint8Array, identifier = "clearml"): Uint8Array {
  const l = layout(input);
  const codeLimit = l.dataoff;
  const nCodeSlots = Math.ceil(codeLimit / PAGE);
  const ident = new TextEncoder().encode(`${identifier}\0`);
  const hashOffset = CD_HEADER + ident.length;
  const cdLength = hashOffset + nCodeSlots * 32;
  const superLength = 12 + 8 + cdLength;
  // The signature is padded like codesign's, to 16 bytes.
  const datasize = Math.ceil(superLength / 16) * 16;
  const out = new Uint8Array(codeLimit + datasize);
  out.set(input.subarray(0, codeLimit));
  const v = new DataView(out.buffer);

  // Load commands first: the header page is hashed with them.
  v.setUint32(l.sigCmd + 12, datasize, true);
  const linkeditSize = BigInt(codeLimit + datasize - l.linkeditFileoff);
  v.setBigUint64(l.linkeditCmd + 48, linkeditSize, true); // filesize
  const vmsize = (linkeditSize + 0x3fffn) & ~0x3fffn; // whole 16 KiB pages (arm64 and x64)
  if (v.getBigUint64(l.linkeditCmd + 32, true) < vmsize) {
    v.setBigUint64(l.linkeditCmd + 32, vmsize, true);
  }

  const s = codeLimit;
  v.setUint32(s, CSMAGIC_EMBEDDED_SIGNATURE);
  v.setUint32(s + 4, superLength);
  v.setUint32(s + 8, 1);
  v.setUint32(s + 12, CSSLOT_CODEDIRECTORY);
  v.setUint32(s + 16, 20);
  const cd = s + 20;
  v.setUint32(cd, CSMAGIC_CODEDIRECTORY);
  v.setUint32(cd + 4, cdLength);
  v.setUint32(cd + 8, CD_VERSION);
  v.setUint32(cd + 12, CS_ADHOC);
  v.setUint32(cd + 16, hashOffset);
  v.setUint32(cd + 20, CD_HEADER); // identOffset
  v.setUint32(cd + 24, 0); // nSpecialSlots
  v.setUint32(cd + 28, nCodeSlots);
  v.setUint32(cd + 32, codeLimit);
  out[cd + 36] = 32; // hashSize
  out[cd + 37] = CS_HASHTYPE_SHA256;
  out[cd + 38] = 0; // platform
  out[cd + 39] = PAGE_SHIFT;
  // spare2, scatterOffset, teamOffset, spare3, codeLimit64: zero
  v.setBigUint64(cd + 64, BigInt(l.textFileoff)); // execSegBase
  v.setBigUint64(cd + 72, BigInt(l.textFilesize)); // execSegLimit
  v.setBigUint64(cd + 80, BigInt(CS_EXECSEG_MAIN_BINARY)); // execSegFlags
  out.set(ident, cd + CD_HEADER);
  for (let i = 0; i < nCodeSlots; i++) {
    const page = out.subarray(i * PAGE, Math.min((i + 1) * PAGE, codeLimit));
    out.set(createHash("sha256").update(page).digest(), cd + hashOffset + i * 32);
  }
  return out;
}

export interface CodeDirectoryCheck {
  slot: number;
  hashType: number;
  codeLimit: number;
  nCodeSlots: number;
  /** Code slots whose hash is not the hash of their page. */
  badPages: number;
  adhoc: boolean;
}

/**
 * Every CodeDirectory of the signature, with its page hashes recomputed; `coversFile` says
 * whether the code limit is where the signature starts (the whole file before it is signed).
 */
export function pageHashErrors(
  b: Uint8Array,
): { directories: CodeDirectoryCheck[]; coversFile: boolean; blobs: number[] } {
  const l = layout(b);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const s = l.dataoff;
  if (v.getUint32(s) !== CSMAGIC_EMBEDDED_SIGNATURE) throw new Error("no embedded signature");
  const directories: CodeDirectoryCheck[] = [];
  const blobs: number[] = [];
  let coversFile = true;
  for (let i = 0; i < v.getUint32(s + 8); i++) {
    const slot = v.getUint32(s + 12 + i * 8);
    blobs.push(slot);
    const cd = s + v.getUint32(s + 16 + i * 8);
    const isCd = slot === CSSLOT_CODEDIRECTORY ||
      (slot >= CSSLOT_ALTERNATE_CODEDIRECTORIES && slot < CSSLOT_ALTERNATE_CODEDIRECTORIES + 5);
    if (!isCd || v.getUint32(cd) !== CSMAGIC_CODEDIRECTORY) continue;
    const hashOffset = v.getUint32(cd + 16);
    const nCodeSlots = v.getUint32(cd + 28);
    const codeLimit = v.getUint32(cd + 32);
    const hashSize = b[cd + 36]!;
    const hashType = b[cd + 37]!;
    const page = 1 << b[cd + 39]!;
    const alg = hashType === CS_HASHTYPE_SHA1 ? "sha1" : "sha256";
    let badPages = 0;
    for (let p = 0; p < nCodeSlots; p++) {
      const got = createHash(alg).update(b.subarray(p * page, Math.min((p + 1) * page, codeLimit)))
        .digest().subarray(0, hashSize);
      const at = cd + hashOffset + p * hashSize;
      for (let k = 0; k < hashSize; k++) {
        if (got[k] !== b[at + k]) {
          badPages++;
          break;
        }
      }
    }
    if (codeLimit !== l.dataoff || nCodeSlots !== Math.ceil(codeLimit / page)) coversFile = false;
    directories.push({
      slot,
      hashType,
      codeLimit,
      nCodeSlots,
      badPages,
      adhoc: (v.getUint32(cd + 12) & CS_ADHOC) !== 0,
    });
  }
  return { directories, coversFile, blobs };
}

// `bun scripts/_macho_sign.ts FILE…`: sign each file in place, then check every page hash.
if (import.meta.main) {
  for (const file of process.argv.slice(2)) {
    const signed = adhocSign(readFileSync(file));
    writeFileSync(file, signed);
    const r = pageHashErrors(signed);
    const bad = r.directories.reduce((n, d) => n + d.badPages, 0);
    if (!r.coversFile || bad > 0) {
      throw new Error(`${file}: ${bad} page hashes wrong after signing`);
    }
    console.error(`${file}: ad-hoc signature, ${r.directories[0]!.nCodeSlots} page hashes`);
  }
}
