// Talking to the server: JSON calls with the CSRF header, uploads with progress, DOM helpers.
// Everything from the server is put into the page as text (h() builds nodes; no innerHTML).

export const session = { me: null };
// polling timers of the current screen; the router stops them when the screen changes
export const timers = new Set();

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), v);
    // styles through the CSSOM: the Content-Security-Policy refuses style attributes
    else if (k === "style" && typeof v === "object") Object.assign(el.style, v);
    else if (v === true) el.setAttribute(k, "");
    else if (v !== null && v !== undefined && v !== false) el.setAttribute(k, v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function csrfToken() {
  const m = document.cookie.split("; ").find((c) => c.startsWith("casefile_csrf="));
  return m ? decodeURIComponent(m.slice("casefile_csrf=".length)) : "";
}

const NETWORK_ERROR = { code: "network", message: "无法连接服务器。", hint: "请检查网络连接后重试。" };
const STATUS_WORDS = {
  401: { message: "请先登录。", hint: "登录已失效，请重新登录。" },
  403: { message: "没有权限进行此操作。", hint: "如需权限，请联系本单位管理员。" },
  404: { message: "没有找到。", hint: "它可能已被删除，或您无权查看。" },
  413: { message: "文件太大。", hint: "请拆分文件或压缩后再上传。" },
  415: { message: "不支持的文件类型。", hint: "请上传 PDF、TIFF、JPEG、PNG、DOCX 或 TXT 文件。" },
  422: { message: "提交的内容不正确。", hint: "请检查填写的内容。" },
  429: { message: "尝试次数过多，请稍后再试。", hint: "请等一会儿再操作。" },
};

/** Turn any failed response into {code, message, hint} in plain Chinese. */
export function errorFrom(status, body) {
  if (body && body.message) return { code: body.code || String(status), message: body.message, hint: body.hint || "", status, body };
  const words = STATUS_WORDS[status] || { message: `服务器出错（${status}）。`, hint: "请稍后重试；如仍失败，请联系管理员。" };
  return { code: String(status), ...words, status, body };
}

export async function api(path, { method = "GET", json, form, signal } = {}) {
  const headers = {};
  let body;
  if (json !== undefined) { headers["Content-Type"] = "application/json"; body = JSON.stringify(json); }
  if (form !== undefined) body = form;
  if (method !== "GET") headers["X-CSRF-Token"] = csrfToken();
  let res;
  try { res = await fetch(path, { method, headers, body, signal, credentials: "same-origin" }); }
  catch (_) { throw NETWORK_ERROR; }
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const err = errorFrom(res.status, data);
    if (res.status === 401 && !path.startsWith("/api/auth/")) window.dispatchEvent(new CustomEvent("casefile:signed-out"));
    throw err;
  }
  return data;
}

/** Upload one file with XHR (fetch cannot report upload progress). Resolves {ok, body, error}. */
export function uploadFile(caseNumber, file, onProgress) {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    const data = new FormData();
    data.append("file", file, file.name);
    xhr.open("POST", "/api/cases/" + encodeURIComponent(caseNumber) + "/documents");
    xhr.setRequestHeader("X-CSRF-Token", csrfToken());
    xhr.timeout = 10 * 60 * 1000;
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(Math.round((100 * e.loaded) / e.total)); };
    xhr.onload = () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch (_) { body = null; }
      if (xhr.status >= 400) resolve({ ok: false, error: errorFrom(xhr.status, body) });
      else if (body && body.rejected && body.rejected.length) resolve({ ok: false, error: body.rejected[0].error, body });
      else resolve({ ok: true, body });
    };
    xhr.onerror = () => resolve({ ok: false, error: { code: "network", message: "网络中断，上传失败。", hint: "请检查网络后重新上传此文件。" } });
    xhr.ontimeout = () => resolve({ ok: false, error: { code: "timeout", message: "上传超时。", hint: "网络较慢，请稍后重新上传此文件。" } });
    xhr.send(data);
  });
}

export function errorBox(err) {
  const e = err || {};
  return h("div", { class: "error", role: "alert" },
    h("strong", {}, e.message || "出错了。"), " ", h("span", { class: "hint" }, e.hint || ""));
}

export function can(action) {
  return !!(session.me && (session.me.actions || []).includes(action));
}

export function caseHref(caseNumber) { return "#/case/" + encodeURIComponent(caseNumber); }

export function fmtTime(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function fmtBytes(n) {
  if (n === null || n === undefined) return "";
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export const ROLE_NAMES = { clerk: "书记员/内勤", investigator: "侦查员", prosecutor: "检察官", judge: "法官", reviewer: "审核人员", admin: "管理员", operator: "运维" };
export const STATUS = { queued: "排队中", processing: "处理中", done: "完成", failed: "失败" };
export const STAGE = { queued: "排队中", reading: "识别页面", extracting: "提取事实", indexing: "建立索引", done: "完成" };
export const TRANSFER_STATUS = { pending: "待审核", accepted: "已接收", returned: "已退回", withdrawn: "已撤回" };

/** Replace an element's children, leaving out null/undefined/false (which replaceChildren would print). */
export function fill(el, ...kids) {
  el.replaceChildren(...kids.flat(Infinity).filter((k) => k !== null && k !== undefined && k !== false));
}

/**
 * A modal question before an irreversible step. Resolves true when confirmed. ``body`` is nodes;
 * Escape or 取消 resolves false. The dialog is removed afterwards.
 */
export function confirmDialog({ title, body, ok = "确定", cancel = "取消", id = "confirm-dialog" }) {
  return new Promise((resolve) => {
    const done = (answer) => { dialog.close(); dialog.remove(); resolve(answer); };
    const okButton = h("button", { type: "button", class: "primary", id: id + "-ok", onclick: () => done(true) }, ok);
    const dialog = h("dialog", { id, class: "card confirm", "aria-labelledby": id + "-title" },
      h("h3", { id: id + "-title" }, title), h("div", { class: "confirm-body" }, body),
      h("div", { class: "inline confirm-actions" }, okButton, h("button", { type: "button", id: id + "-cancel", onclick: () => done(false) }, cancel)));
    dialog.addEventListener("cancel", (e) => { e.preventDefault(); done(false); });
    document.body.append(dialog);
    dialog.showModal();
    okButton.focus();
  });
}

/** Run ``work`` with ``button`` disabled, so that a double click sends one request. */
export async function busy(button, work) {
  if (!button || button.disabled) return undefined;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try { return await work(); }
  finally { button.disabled = false; button.removeAttribute("aria-busy"); }
}
