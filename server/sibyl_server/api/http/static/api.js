// Calls to the JSON API (POST /sibyl.v1.Service/Method) with the signed-in token.
// The token lives in sessionStorage only: never in a URL, never in a log line.

const TOKEN_KEY = "sibyl.token";
const TEAM_KEY = "sibyl.team";
const PAGE_SIZE = 1000; // the API's largest page

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `HTTP ${status}`);
    this.status = status;
    this.code = body?.code;
    const info = (body?.details || []).find((d) => d["@type"]?.endsWith("ErrorInfo"));
    this.reason = info?.reason || "";
  }
}

export function currentTeam() {
  return sessionStorage.getItem(TEAM_KEY) || "default";
}

export function setTeam(team) {
  sessionStorage.setItem(TEAM_KEY, team);
}

export function hasToken() {
  return Boolean(sessionStorage.getItem(TOKEN_KEY));
}

export function signIn(team, token) {
  setTeam(team);
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

// Forgets the token and whatever this tab kept of the team's studies.
export function signOut() {
  sessionStorage.clear();
}

// The counters a benchmark or a test reads: calls made and bytes received.
export const traffic = { calls: 0, bytes: 0 };

export async function call(method, body) {
  const service = method === "GetTeam" ? "TeamService" : "StudyService";
  const headers = { "content-type": "application/json" };
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.authorization = `Bearer ${token}`;
  // Relative to /dashboard/, so that the page also works behind a path prefix.
  const response = await fetch(`../sibyl.v1.${service}/${method}`, {
    method: "POST",
    headers,
    body: JSON.stringify(body),
    cache: "no-store",
    credentials: "omit",
  });
  const text = await response.text();
  traffic.calls += 1;
  traffic.bytes += text.length;
  const parsed = text ? JSON.parse(text) : {};
  if (!response.ok) throw new ApiError(response.status, parsed);
  return parsed;
}

// Every page of a List call, concatenated.
async function listAll(method, request, field) {
  const items = [];
  let pageToken = "";
  do {
    const page = await call(method, {
      ...request,
      pageSize: PAGE_SIZE,
      pageToken,
    });
    items.push(...(page[field] || []));
    pageToken = page.nextPageToken || "";
  } while (pageToken);
  return items;
}

export const teamName = (team) => `teams/${team}`;

export const listStudies = (team) => listAll("ListStudies", { parent: teamName(team) }, "studies");

// view "TRIAL_VIEW_BASIC": without the intermediate measurements (the API's default is FULL).
export const listTrials = (study, states = [], view = "TRIAL_VIEW_FULL") =>
  listAll("ListTrials", { parent: study, states, view }, "trials");

export const getStudy = async (name) => (await call("GetStudy", { name })).study;

export const listOptimalTrials = (parent) => call("ListOptimalTrials", { parent });

export const computeImportance = (parent, metric) =>
  call("ComputeParameterImportance", { parent, metric });

export const getTeam = (team) => call("GetTeam", { name: teamName(team) });
