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
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e5)) return value.toExponential(4);
  // Five digits; only a fraction's trailing zeros go (12000.3 is "12000", not "12").
  const text = value.toPrecision(5);
  return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
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
