/** The committed generated code is exactly what proto/ generates. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

const PACKAGE_DIR = join(__dirname, "..", "..");

test("src/generated is up to date with proto/", () => {
  const check = spawnSync(process.execPath, ["scripts/generate.mjs", "--check"], {
    cwd: PACKAGE_DIR,
    encoding: "utf8",
  });
  assert.equal(check.status, 0, check.stderr);
});

test("the generated types carry the proto's documentation", () => {
  const study = readFileSync(join(PACKAGE_DIR, "src/generated/sibyl/v1/Study.ts"), "utf8");
  assert.match(study, /Resource name, `teams\/\{team\}\/studies\/\{study\}`/);
  assert.match(study, /'trialCount': \(string\)/, "int64 fields are strings as received");
});
