#!/usr/bin/env node
// Generates the TypeScript types and the runtime descriptor of proto/sibyl/v1 into
// src/generated/ (committed).
//
// Usage: node scripts/generate.mjs [--out DIR] [--check]
//   --out DIR  write there instead of src/generated
//   --check    generate into a temporary folder and fail if it differs from
//              src/generated (the drift check; test/generated.test.ts runs it too)
//
// Types come from proto-loader-gen-types (@grpc/proto-loader); the descriptor is the
// protobuf.js JSON form of the same files, so the package needs no .proto file at run
// time. google/protobuf well-known types are bundled with protobuf.js, so no include
// folder is needed for them.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const require = createRequire(import.meta.url);
const protobuf = require("protobufjs");

const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "..");
// Relative, so that the generated comments name the same path on every machine.
const PROTO_ROOT = "../../proto";
const DEFAULT_OUT = join(PACKAGE_DIR, "src", "generated");

// The loader options of src/proto.ts: both must describe the same shapes.
const TYPE_FLAGS = [
  "--longs=String",
  "--enums=String",
  "--defaults",
  "--oneofs",
  "--includeComments",
  "--grpcLib=@grpc/grpc-js",
];

function protoFiles() {
  const folder = join(PACKAGE_DIR, PROTO_ROOT, "sibyl", "v1");
  return readdirSync(folder)
    .filter((name) => name.endsWith(".proto"))
    .sort()
    .map((name) => `sibyl/v1/${name}`);
}

function generateTypes(out, files) {
  const tool = require.resolve("@grpc/proto-loader/build/bin/proto-loader-gen-types.js");
  execFileSync(process.execPath, [tool, ...TYPE_FLAGS, "-I", PROTO_ROOT, "-O", out, ...files], {
    cwd: PACKAGE_DIR,
    stdio: ["ignore", "ignore", "inherit"],
  });
}

function generateDescriptor(out, files) {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) =>
    isAbsolute(target) ? target : join(PACKAGE_DIR, PROTO_ROOT, target);
  root.loadSync(files, { keepCase: false });
  root.resolveAll();
  const json = JSON.stringify(root.toJSON(), null, 2);
  const text = [
    "// Generated from proto/sibyl/v1 by scripts/generate.mjs. Do not edit.",
    "",
    "/** The sibyl.v1 contract and the well-known types it uses, as a protobuf.js JSON descriptor. */",
    `export const descriptor: Record<string, unknown> = ${json};`,
    "",
  ].join("\n");
  writeFileSync(join(out, "descriptor.ts"), text);
}

/** v1.ts: every message and enum of sibyl.v1 from one module. */
function generateIndex(out) {
  const names = readdirSync(join(out, "sibyl", "v1"))
    .filter((name) => name.endsWith(".ts"))
    .map((name) => name.slice(0, -".ts".length))
    .sort();
  const lines = [
    "// Generated from proto/sibyl/v1 by scripts/generate.mjs. Do not edit.",
    "// Every message (`X` to send, `X__Output` as received) and enum of sibyl.v1.",
    ...names.map((name) => `export * from "./sibyl/v1/${name}";`),
    "",
  ];
  writeFileSync(join(out, "v1.ts"), lines.join("\n"));
}

function generate(out) {
  rmSync(out, { recursive: true, force: true });
  const files = protoFiles();
  generateTypes(out, files);
  generateDescriptor(out, files);
  generateIndex(out);
}

function listFiles(folder, prefix = "") {
  return readdirSync(folder)
    .sort()
    .flatMap((name) => {
      const path = join(folder, name);
      return statSync(path).isDirectory()
        ? listFiles(path, `${prefix}${name}/`)
        : [`${prefix}${name}`];
    });
}

/** Names the files that differ between two generated trees; [] when identical. */
function differences(expected, actual) {
  const wanted = listFiles(expected);
  const have = listFiles(actual);
  const all = [...new Set([...wanted, ...have])].sort();
  return all.filter((name) => {
    if (!wanted.includes(name) || !have.includes(name)) return true;
    return !readFileSync(join(expected, name)).equals(readFileSync(join(actual, name)));
  });
}

function main() {
  const { values } = parseArgs({
    options: { out: { type: "string" }, check: { type: "boolean", default: false } },
  });
  if (!values.check) {
    generate(resolve(values.out ?? DEFAULT_OUT));
    return 0;
  }
  const scratch = mkdtempSync(join(tmpdir(), "sibyl-generated-"));
  try {
    generate(scratch);
    const stale = differences(scratch, DEFAULT_OUT);
    if (stale.length > 0) {
      const where = relative(process.cwd(), DEFAULT_OUT) || ".";
      console.error(
        `${where} is out of date with proto/ (${stale.join(", ")}): run npm run generate`,
      );
      return 1;
    }
    return 0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

process.exitCode = main();
