// The dashboard: a studies list and a study page, drawn from the JSON API and refreshed
// by polling. Pages are addressed by the URL's fragment (#/studies/{id}); the team and
// token live in sessionStorage (see api.js).

import * as echarts from "./vendor/echarts.esm.min.js";
import * as api from "./api.js";
import { StudiesPage } from "./studies.js";
import { StudyPage } from "./study.js";
import { esc } from "./html.js";

const params = new URLSearchParams(location.search);
// ?refresh=SECONDS changes how often a page polls (3 s by default; 1 s to an hour, so
// that a shared link cannot make a viewer's browser poll without a pause).
const REFRESH_MS = Math.min(Math.max(Number(params.get("refresh")) || 3, 1), 3600) * 1000;
// ?team=NAME (as `sibyl dashboard --team NAME` writes it) chooses the team to show.
if (params.get("team")) api.setTeam(params.get("team"));

let page = null;
let timer = null; // the next refresh's timeout, while one waits
let refreshing = null; // the page whose refresh is in flight

function showSignIn(message = "") {
  stop();
  document.body.dataset.page = "signin";
  document.getElementById("crumbs").textContent = "";
  document.getElementById("session").textContent = "";
  const main = document.getElementById("main");
  main.innerHTML = `
    <h1>Sign in</h1>
    <form class="signin panel" id="signin">
      <label>Team <input name="team" value="${esc(api.currentTeam())}" required autocomplete="off"></label>
      <label>Token <input name="token" type="password" autocomplete="off"></label>
      <button type="submit">Sign in</button>
      <p class="error" id="signin-error">${esc(message)}</p>
    </form>`;
  document.getElementById("signin").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    api.signIn(form.get("team").trim(), form.get("token").trim());
    try {
      await api.listStudies(api.currentTeam()); // the token and the team, checked at once
      // Back to the page that asked for a token (a study's link), else the studies.
      if (location.hash === "#/signin") location.hash = "#/";
      route();
    } catch (error) {
      document.getElementById("signin-error").textContent = describe(error);
    }
  });
}

function describe(error) {
  if (error instanceof api.ApiError) {
    if (error.status === 401) return `The token was refused: ${error.message}`;
    if (error.status === 404) return `No such team for this token: ${error.message}`;
    return error.message;
  }
  return String(error);
}

function showSession() {
  const session = document.getElementById("session");
  session.innerHTML = `team <b>${esc(api.currentTeam())}</b> · <a href="#/signin" id="signout">${api.hasToken() ? "sign out" : "change team"}</a>`;
  document.getElementById("signout").addEventListener("click", () => api.signOut());
}

function stop() {
  clearTimeout(timer);
  timer = null;
  page?.dispose();
  page = null;
}

async function refresh(current) {
  refreshing = current;
  let ok = false;
  try {
    const started = performance.now();
    await current.refresh();
    if (current !== page) return;
    document.body.dataset.refreshMs = String(performance.now() - started);
    document.body.dataset.refreshes = String(Number(document.body.dataset.refreshes || 0) + 1);
    ok = true;
  } catch (error) {
    if (current !== page) return;
    const signedOut = error instanceof api.ApiError && error.status === 401;
    // A team the token does not belong to is NOT_FOUND, as a missing one is.
    const otherTeam =
      error instanceof api.ApiError && error.status === 404 && current instanceof StudiesPage;
    if (signedOut || otherTeam) return showSignIn(describe(error));
    current.showError(describe(error));
  } finally {
    if (refreshing === current) refreshing = null;
  }
  // The rest of a first read follows at once; after a failure, the usual pause.
  const delay = ok && current.complete === false ? 0 : REFRESH_MS;
  // A hidden tab waits for visibilitychange: left open in the background, it costs nothing.
  if (current === page && (delay === 0 || !document.hidden)) {
    timer = setTimeout(() => {
      timer = null;
      refresh(current);
    }, delay);
  }
}

function route() {
  stop();
  const hash = location.hash.replace(/^#/, "") || "/";
  if (hash === "/signin") return showSignIn();
  const main = document.getElementById("main");
  const crumbs = document.getElementById("crumbs");
  const match = hash.match(/^\/studies\/([^/?]+)/);
  const team = api.currentTeam();
  showSession();
  page = match
    ? new StudyPage(main, crumbs, `${api.teamName(team)}/studies/${decoded(match[1])}`, echarts)
    : new StudiesPage(main, crumbs, team);
  refresh(page);
}

// A malformed escape (a "%" that starts none) is kept as it is: the study is then not
// found, and the page says so, rather than stopping at "Loading…".
function decoded(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

// A hidden tab drops its waiting refresh; shown again, it refreshes at once (unless a
// refresh is in flight, which reschedules itself).
document.addEventListener("visibilitychange", () => {
  clearTimeout(timer);
  timer = null;
  if (!document.hidden && page && refreshing !== page) refresh(page);
});
window.addEventListener("hashchange", route);
window.addEventListener("resize", () => page?.resize?.());
window.sibyl = { traffic: api.traffic, page: () => page };
route();
