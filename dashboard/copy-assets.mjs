// Copies the dashboard's third-party files from node_modules into the server package,
// which ships them (so `pip install` needs no npm and the page fetches nothing from a
// CDN). `--check` fails when the committed copies differ from what package-lock pins.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const target = join(here, "..", "server", "sibyl_server", "api", "http", "static", "vendor");
// ECharts' ES-module build bundles zrender and tslib: their licenses travel with it.
const FILES = {
  "echarts.esm.min.js": "echarts/dist/echarts.esm.min.mjs",
  "echarts.LICENSE": "echarts/LICENSE",
  "echarts.NOTICE": "echarts/NOTICE",
  "zrender.LICENSE": "zrender/LICENSE",
  "tslib.LICENSE": "tslib/LICENSE.txt",
};

const check = process.argv.includes("--check");
let stale = 0;
mkdirSync(target, { recursive: true });
for (const [name, source] of Object.entries(FILES)) {
  const wanted = readFileSync(join(here, "node_modules", source));
  const path = join(target, name);
  if (!check) {
    writeFileSync(path, wanted);
    continue;
  }
  let present = null;
  try {
    present = readFileSync(path);
  } catch {
    // missing: counted below
  }
  if (present === null || !present.equals(wanted)) {
    console.error(`${path} differs from node_modules/${source}`);
    stale += 1;
  }
}
process.exit(stale ? 1 : 0);
