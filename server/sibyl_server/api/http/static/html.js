// Text from the API (study names, parameter values, reasons) goes into markup escaped.

const ENTITIES = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export const esc = (value) => String(value ?? "").replace(/[&<>"']/g, (c) => ENTITIES[c]);

export function formatNumber(value) {
  if (value === undefined || value === null || value === "") return "";
  if (typeof value !== "number") return String(value);
  if (Number.isInteger(value)) return String(value);
  const magnitude = Math.abs(value);
  return magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e5)
    ? value.toExponential(4)
    : value.toPrecision(5).replace(/\.?0+$/, "");
}

export function formatTime(timestamp) {
  if (!timestamp) return "";
  return new Date(timestamp)
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, "Z");
}

// Sorts rows by one key: numbers as numbers, missing values last.
export function sortRows(rows, get, descending) {
  const sign = descending ? -1 : 1;
  return [...rows].sort((a, b) => {
    const [x, y] = [get(a), get(b)];
    if (x === undefined || x === "" || x === null) return 1;
    if (y === undefined || y === "" || y === null) return -1;
    if (typeof x === "number" && typeof y === "number") return (x - y) * sign;
    return String(x).localeCompare(String(y), undefined, { numeric: true }) * sign;
  });
}
