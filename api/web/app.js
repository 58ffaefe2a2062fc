// casefile web pages: sign-in, navigation by the user's allowed actions, and the hash router.
import { ROLE_NAMES, api, can, errorBox, fill, h, session, timers } from "./api.js";
import { showCase, showCases } from "./cases.js";
import { showSearch } from "./search.js";
import { showPage } from "./viewer.js";
import { showInbox, showReview } from "./review.js";
import { showAdmin } from "./admin.js";
import { showBoard, showDue } from "./deadlines.js";

const view = document.getElementById("view");

function stopTimers() { for (const t of timers) clearInterval(t); timers.clear(); }

function renderHeader() {
  const nav = document.getElementById("nav");
  const who = document.getElementById("who");
  const me = session.me;
  if (!me) { fill(nav); fill(who); return; }
  const links = [];
  if (can("case.read")) links.push(["#/", "案件"]);
  if (can("case.read")) links.push(["#/due", "办案期限"], ["#/triage", "繁简分流"]);
  if (can("search")) links.push(["#/search", "检索"]);
  if (can("form.review")) links.push(["#/inbox", "收件箱"]);
  if (can("user.manage")) links.push(["#/admin/users", "用户与单位"]);
  if (can("audit.read")) links.push(["#/admin/audit", "审计日志"], ["#/admin/stats", "全口径统计"]);
  const current = location.hash || "#/";
  fill(nav, ...links.map(([href, text]) => h("a", {
    href, "aria-current": (href === "#/" ? current === "#/" || current.startsWith("#/case") : current.startsWith(href)) ? "page" : null,
  }, text, href === "#/inbox" ? h("span", { id: "inbox-count", class: "badge", hidden: true }) : null)));
  if (can("form.review")) {
    // the number of transfers waiting for review, beside 收件箱
    api("/api/transfers/inbox").then((items) => {
      const n = items.filter((t) => t.status === "pending").length;
      const badge = document.getElementById("inbox-count");
      if (!badge) return;
      badge.textContent = String(n);
      badge.title = `${n} 件待审核`;
      badge.hidden = n === 0;
    }).catch(() => {});
  }
  fill(who, 
    h("span", { class: "who-name" }, me.username), " ",
    h("span", { class: "who-agency" }, me.agency || ""), " ",
    h("span", { class: "who-role" }, `（${ROLE_NAMES[me.role] || me.role}）`), " ",
    h("button", { type: "button", id: "sign-out", onclick: signOut }, "退出登录"));
}

async function signOut() {
  try { await api("/api/auth/logout", { method: "POST" }); } catch (_) { /* signed out anyway */ }
  session.me = null;
  location.hash = "#/";
  showSignIn();
}

async function showSignIn(err) {
  stopTimers();
  renderHeader();
  let dev = false;
  const user = h("input", { id: "username", name: "username", autocomplete: "username", required: true });
  const pass = h("input", { id: "password", name: "password", type: "password", autocomplete: "current-password", required: true });
  const msg = h("div", { id: "login-error" }, err ? errorBox(err) : null);
  const button = h("button", { type: "submit", class: "primary" }, "登录");
  const form = h("form", { class: "card sign-in", "aria-labelledby": "sign-in-title", onsubmit: async (e) => {
    e.preventDefault();
    fill(msg);
    button.disabled = true;
    try {
      const data = new FormData();
      data.append("username", user.value.trim());
      data.append("password", pass.value);
      await api("/api/auth/login", { method: "POST", form: data });
      await start();
    } catch (error) {
      fill(msg, errorBox(error));
      pass.value = "";
      pass.focus();
    } finally { button.disabled = false; }
  } },
  h("h2", { id: "sign-in-title" }, "登录电子卷宗系统"),
  h("label", { for: "username" }, "用户名"), user,
  h("label", { for: "password" }, "密码"), pass,
  msg, button,
  h("p", { class: "hint", id: "dev-hint", hidden: true }, "开发模式演示账号（密码均为 casefile-demo）：admin 管理员；demo-clerk 内勤（上传、一键流转）；demo-prosecutor 演示检察院检察官（审核表单）。"));
  fill(view, form);
  user.focus();
  // /api/auth/me needs a session, so the public /api/ui/mode says whether this is development
  try {
    const res = await fetch("/api/ui/mode");
    if (res.ok) dev = (await res.json()).development;
  } catch (_) { dev = false; }
  document.getElementById("dev-hint")?.toggleAttribute("hidden", !dev);
}

async function route() {
  stopTimers();
  if (!session.me) return;
  renderHeader();
  const hash = location.hash.slice(1) || "/";
  const [path, query] = hash.split("?");
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query || "");
  fill(view, h("p", { class: "loading" }, "加载中…"));
  try {
    if (parts[0] === "case" && parts[1]) return await showCase(view, parts.slice(1).join("/"));
    if (parts[0] === "search") return await showSearch(view, params);
    if (parts[0] === "page") return await showPage(view, parts[1], parts[2], params);
    if (parts[0] === "inbox") return await showInbox(view);
    if (parts[0] === "due") return await showDue(view, params);
    if (parts[0] === "triage") return await showBoard(view, params);
    if (parts[0] === "transfer" && parts[1]) return await showReview(view, parts[1]);
    if (parts[0] === "admin") return await showAdmin(view, parts[1] || "users", params);
    if (can("case.read")) return await showCases(view);
    fill(view, h("p", {}, "欢迎使用。"));
  } catch (err) {
    if (err && err.status === 401) return;
    fill(view, errorBox(err));
  }
}

async function start() {
  try { session.me = await api("/api/auth/me"); }
  catch (err) { session.me = null; return showSignIn(err && err.status === 401 ? null : err); }
  route();
}

window.addEventListener("hashchange", route);
window.addEventListener("casefile:signed-out", () => {
  if (!session.me) return;
  session.me = null;
  showSignIn({ message: "登录已失效。", hint: "请重新登录。" });
});
start();
