// Administrator screens: users and agencies, the audit log with its verification, workload statistics.
import { ROLE_NAMES, api, can, errorBox, fill, fmtTime, h, session } from "./api.js";

const SVG = "http://www.w3.org/2000/svg";
function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

// the kinds of api/users.AGENCY_KINDS
const KIND_NAMES = { police: "公安机关", procuratorate: "检察院", court: "法院", detention_centre: "看守所", justice_bureau: "司法局（社区矫正机构）", other: "其他单位" };
const OUTCOME_NAMES = {
  ok: "成功", refused: "被拒绝", denied: "被拒绝", not_found: "未找到", error: "出错", failed: "失败",
  bad_password: "密码错误", unknown_user: "用户名不存在", locked: "账号锁定", throttled: "尝试过多，暂缓登录",
  duplicate: "重复文件", rejected: "被拒绝",
};
const TARGET_NAMES = { case: "案件", document: "文件", page: "第 {} 页", transfer: "移送", form_record: "表单记录", user: "用户", agency: "单位" };
const DETAIL_NAMES = {
  q: "检索词", case: "案号", total: "结果数", filename: "文件名", as: "格式", field: "字段", decision: "决定", reason: "理由",
  to_agency: "接收单位", from_agency: "移送单位", form: "表单", form_id: "表单", role: "角色", agency: "单位", username: "用户名",
  code: "错误代码", path: "地址", status: "状态", document_type: "文书类型", pages: "页数", count: "数量", version: "版本",
  cases: "案件数", documents: "文件", transfers: "移送", records: "表单记录", forms: "表单数", method: "请求方式",
  events: "记录数", who: "用户名", before: "序号之前", action: "操作",
};
// an outcome that is an error code (a refusal: access.refused), in words
function outcomeText(outcome) {
  if (OUTCOME_NAMES[outcome]) return OUTCOME_NAMES[outcome];
  if (outcome === "forbidden") return "无权限";
  if (outcome === "not_receiver") return "非接收单位";
  if (outcome && outcome.endsWith("not_found")) return "未找到或无权查看";
  return outcome;
}
const ACTION_NAMES = {
  login: "登录", "case.create": "新建案件", "document.upload": "上传文件", "document.view": "查看文件", "document.retry": "重试处理",
  "document.delete": "删除文件", "document.download": "下载原件", "page.view": "查看页面", "page.image": "查看页面图像", search: "检索",
  "facts.view": "查看事实", "transfer.create": "移送", "transfer.view": "查看移送", "form.review": "审核字段", "transfer.accept": "接收表单",
  "transfer.return": "退回", "transfer.withdraw": "撤回移送", "form.export": "导出表单", "user.create": "新建用户",
  "case.list": "查看案件列表", "case.view": "查看案件", "document.list": "查看文件列表", "form.prefill": "预填表单",
  "transfer.list": "查看移送记录", "transfer.inbox": "查看收件箱", "form_record.list": "查看表单记录",
  "access.refused": "拒绝访问", "audit.view": "查看审计日志", "catalogue.export": "导出卷内目录", "catalogue.split": "拆分目录文书", "catalogue.merge": "合并目录文书", "catalogue.retype": "更正目录文书类型",
  "catalogue.edit": "更正目录文书名称", "catalogue.move": "调整目录顺序", "catalogue.delete": "删除目录条目", "catalogue.undo": "撤销目录更正",
  logout: "退出登录", "user.password": "修改密码", "user.deactivate": "停用用户", "document.retype": "更正文件类型",
  "case.assign_handler": "指定承办人", "case.handler_view": "查看承办人", "deadlines.view": "查看办案期限",
  "deadlines.due": "查看到期期限", "deadlines.stages": "查看各阶段用时", "deadlines.record": "录入延长期限或变更强制措施",
  "deadlines.record.withdraw": "撤销期限记录", "triage.view": "查看繁简分流", "triage.board": "查看繁简分流候选",
  "triage.decide": "确认或否定繁简分流",
};

// "document:8/page:1" → "文件 8 第 1 页": every part of a target in words
export function targetText(target) {
  if (!target) return "";
  if (target.startsWith("/")) return target;  // a refused request: the address asked for
  return target.split("/").map((part) => {
    const [kind, ...rest] = part.split(":");
    const id = rest.join(":");
    const name = TARGET_NAMES[kind];
    if (!name) return part;
    return name.includes("{}") ? name.replace("{}", id) : `${name} ${id}`;
  }).join(" ");
}

function detailValue(v) {
  if (v === true) return "是";
  if (v === false) return "否";
  if (Array.isArray(v)) return v.map(detailValue).join("、");
  if (v && typeof v === "object") return Object.entries(v).map(([k, x]) => `${DETAIL_NAMES[k] || k}：${detailValue(x)}`).join("，");
  return v === null || v === undefined ? "—" : String(v);
}

// values that are codes, in words
const VALUE_NAMES = { role: ROLE_NAMES, decision: { accept: "确认", accepted: "确认", correct: "更正", corrected: "更正" }, kind: KIND_NAMES };

export function detailText(detail) {
  if (!detail || !Object.keys(detail).length) return "";
  return Object.entries(detail).map(([k, v]) => `${DETAIL_NAMES[k] || k}：${(VALUE_NAMES[k] || {})[v] || detailValue(v)}`).join("；");
}

function tabs(current) {
  const items = [];
  if (can("user.manage")) items.push(["users", "用户与单位"]);
  if (can("audit.read")) items.push(["audit", "审计日志"], ["stats", "全口径统计"]);
  return h("nav", { class: "tabs", "aria-label": "管理" }, items.map(([k, t]) => h("a", { href: `#/admin/${k}`, "aria-current": k === current ? "page" : null }, t)));
}

export async function showAdmin(view, section, params) {
  if (section === "audit") return showAudit(view, params);
  if (section === "stats") return showStats(view);
  return showUsers(view);
}

async function showUsers(view) {
  const [users, agencies] = await Promise.all([api("/api/admin/users"), api("/api/admin/agencies")]);
  const field = (id, label, input) => [h("label", { for: id }, label), input];
  const username = h("input", { id: "u-name", required: true, pattern: "[A-Za-z0-9_.\\-]+", size: 14, title: "字母、数字、下划线、点或连字符" });
  const display = h("input", { id: "u-display", size: 10 });
  const password = h("input", { id: "u-pass", type: "password", required: true, minlength: 10, size: 14, autocomplete: "new-password", "aria-describedby": "u-pass-rule" });
  // an administrator manages their own agency's users only: the agency is shown, not chosen
  const agency = h("input", { id: "u-agency", value: (session.me && session.me.agency) || "", readonly: true, size: 22 });
  const role = h("select", { id: "u-role" }, Object.entries(ROLE_NAMES).filter(([k]) => k !== "operator").map(([k, t]) => h("option", { value: k }, t)));
  const msg = h("div", { "aria-live": "polite" });
  const form = h("form", { class: "inline", onsubmit: async (e) => {
    e.preventDefault();
    fill(msg);
    try {
      const u = await api("/api/admin/users", { method: "POST", json: { username: username.value.trim(), password: password.value, role: role.value, display_name: display.value.trim() || null } });
      await showUsers(view);
      fill(view.querySelector("#user-msg"), h("p", { class: "ok", role: "status" }, `已创建用户 ${u.username}（${u.agency}）。`));
    } catch (err) { fill(msg, errorBox(err)); }
  } }, field("u-name", "用户名", username), field("u-display", "姓名", display), field("u-pass", "初始密码", password), h("span", { id: "u-pass-rule", class: "hint" }, "至少 10 个字符"),
  field("u-agency", "单位", agency),
  field("u-role", "角色", role), h("button", { type: "submit", class: "primary" }, "新建用户"));
  fill(view, tabs("users"),
    h("section", { class: "card" }, h("h2", {}, "新建用户"), form, msg, h("div", { id: "user-msg" })),
    h("section", { class: "card" }, h("h2", {}, "本单位用户"), h("table", { id: "users" },
      h("thead", {}, h("tr", {}, ["用户名", "姓名", "单位", "角色", "状态", "创建时间"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, users.map((u) => h("tr", {}, h("td", {}, u.username), h("td", {}, u.display_name || ""), h("td", {}, u.agency),
        h("td", {}, ROLE_NAMES[u.role] || u.role), h("td", {}, u.active ? "启用" : "停用"), h("td", {}, fmtTime(u.created_at))))))),
    h("section", { class: "card" }, h("h2", {}, "单位"), h("table", { id: "agencies" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "名称"), h("th", { scope: "col" }, "类别"))),
      h("tbody", {}, agencies.map((a) => h("tr", {}, h("td", {}, a.name), h("td", {}, KIND_NAMES[a.kind] || a.kind)))))));
}

async function showAudit(view, params) {
  const qs = new URLSearchParams({ limit: 50 });
  for (const k of ["action", "who", "before"]) if (params.get(k)) qs.set(k, params.get(k));
  const events = await api("/api/admin/audit?" + qs);
  const action = h("select", { id: "a-action", name: "action" }, h("option", { value: "" }, "全部操作"),
    Object.entries(ACTION_NAMES).map(([k, t]) => h("option", { value: k, selected: params.get("action") === k }, t)));
  const who = h("input", { id: "a-who", name: "who", value: params.get("who") || "", size: 14 });
  const verifyBox = h("div", { id: "verify-result", "aria-live": "polite" });
  const filters = h("form", { class: "inline", onsubmit: (e) => {
    e.preventDefault();
    const next = new URLSearchParams();
    if (action.value) next.set("action", action.value);
    if (who.value.trim()) next.set("who", who.value.trim());
    location.hash = "#/admin/audit?" + next;
  } }, h("label", { for: "a-action" }, "操作"), action, h("label", { for: "a-who" }, "用户名"), who,
  h("button", { type: "submit" }, "筛选"),
  h("button", { type: "button", id: "verify", class: "primary", onclick: async () => {
    fill(verifyBox, h("span", {}, "校验中…"));
    try {
      const r = await api("/api/admin/audit/verify");
      // notes: events written before the key existed, a checkpoint file that is not append-only
      fill(verifyBox, r.ok ? h("div", {}, h("p", { class: "ok" }, `审计链完整：共 ${r.events} 条记录，未发现篡改。`),
        (r.notes || []).map((note) => h("p", { class: "hint" }, note)))
        : errorBox({ message: r.seq == null ? "审计日志校验失败。" : `审计链在第 ${r.seq} 条处断开。`, hint: r.problem || "请立即联系安全管理员。" }));
    } catch (err) { fill(verifyBox, errorBox(err)); }
  } }, "校验审计链"));
  const last = events.length ? events[events.length - 1].seq : null;
  const older = new URLSearchParams(params);
  if (last) older.set("before", last);
  fill(view, tabs("audit"), h("section", { class: "card" }, h("h2", {}, "审计日志"), filters, verifyBox,
    h("table", { id: "audit" }, h("thead", {}, h("tr", {}, ["序号", "时间", "用户", "操作", "对象", "结果", "详情"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, events.map((e) => h("tr", {}, h("td", { class: "num" }, e.seq), h("td", {}, fmtTime(e.at)), h("td", {}, e.actor),
        h("td", {}, ACTION_NAMES[e.action] || e.action), h("td", {}, targetText(e.target)), h("td", { class: e.outcome === "ok" ? "" : "error" }, outcomeText(e.outcome)),
        h("td", { class: "detail" }, detailText(e.detail)))))),
    h("p", { class: "hint", id: "audit-note" }, "序号是全系统审计链中的编号；这里只列出本单位的记录，所以序号不连续。“校验审计链”校验的是全系统的整条链，条数因此多于本页所列。"),
    events.length === 50 ? h("nav", { class: "pager" }, h("a", { href: "#/admin/audit?" + older }, "更早的记录")) : null));
}

/** A horizontal bar chart: one bar per label, drawn as SVG. */
export function barChart(title, rows) {
  const max = Math.max(1, ...rows.map((r) => r.value));
  // the label column fits the longest label (agency names run to 15 characters and more)
  const longest = Math.max(4, ...rows.map((r) => [...String(r.label)].reduce((n, c) => n + (c.charCodeAt(0) > 255 ? 14 : 8), 0)));
  const rowH = 26, labelW = longest + 16, barW = 360, top = 8;
  const svg = s("svg", { viewBox: `0 0 ${labelW + barW + 60} ${top + rows.length * rowH + 8}`, width: labelW + barW + 60, role: "img", "aria-label": title, class: "chart" });
  rows.forEach((r, i) => {
    const y = top + i * rowH;
    const w = Math.round((barW * r.value) / max);
    svg.append(s("text", { x: labelW - 8, y: y + 17, "text-anchor": "end" }, r.label),
      s("rect", { x: labelW, y: y + 4, width: Math.max(w, 1), height: rowH - 8, rx: 2, class: "bar" }),
      s("text", { x: labelW + w + 6, y: y + 17 }, r.value));
  });
  return h("figure", { class: "chart-box" }, h("figcaption", {}, title), svg);
}

async function showStats(view) {
  const data = await api("/api/ui/stats");
  const stageBox = h("section", { class: "card", id: "stage-days" }, h("p", { class: "loading" }, "正在计算……"));
  const cols = [["documents", "上传文件"], ["pages", "识别页数"], ["reviews", "审核表单（次）"], ["transfers", "移送"]];
  const table = (rows, first, id) => h("table", { id }, h("thead", {}, h("tr", {}, first.map(([, t]) => h("th", { scope: "col" }, t)), cols.map(([, t]) => h("th", { scope: "col", class: "num" }, t)))),
    h("tbody", {}, rows.map((r) => h("tr", {}, first.map(([k]) => h("td", {}, r[k])), cols.map(([k]) => h("td", { class: "num" }, r[k]))))));
  const charts = [
    ...cols.slice(0, 3).map(([k, t]) => barChart(`${t}（按单位）`, data.agencies.map((a) => ({ label: a.agency, value: a[k] })))),
    ...(data.people.length ? cols.slice(0, 3).map(([k, t]) => barChart(`${t}（本单位按人员）`, data.people.map((p) => ({ label: p.username, value: p[k] })))) : []),
  ];
  fill(view, tabs("stats"),
    h("section", { class: "card" }, h("h2", {}, "全口径统计"), h("p", { class: "hint" }, "根据审计日志统计：各单位的工作总量，以及本单位每个人的工作量。"),
      h("h3", {}, "按单位"), table(data.agencies, [["agency", "单位"]], "stats-agencies"),
      h("h3", {}, "本单位按人员"), data.people.length ? table(data.people, [["username", "用户"], ["agency", "单位"]], "stats-people") : h("p", {}, "暂无记录。"),
      h("h3", {}, "各环节用时（平均）"),
      h("p", { class: "hint", id: "stages-note" }, "“上传文件”只计本单位人员在网页或接口上传的文件；“处理完成的文件”计本单位案件中处理完成的全部文件，也包括通过命令行（casefile ingest）导入的和演示数据，所以两者可以不同。"),
      (data.stages || []).length ? h("table", { id: "stats-stages" },
        h("thead", {}, h("tr", {}, ["单位", "处理完成的文件", "识别与提取（秒/件）", "办结的移送", "审核（分钟/件）"].map((t) => h("th", { scope: "col" }, t)))),
        h("tbody", {}, data.stages.map((r) => h("tr", {}, h("td", {}, r.agency),
          [r.documents_processed, r.processing_seconds_avg ?? "—", r.transfers_decided, r.review_minutes_avg ?? "—"].map((v) => h("td", { class: "num" }, String(v)))))))
        : h("p", {}, "暂无记录。")),
    data.agencies.length ? h("section", { class: "card charts" }, charts) : null,
    stageBox);
  stageDays(stageBox);
}

const STAGE_DAYS = [["detention_to_arrest", "拘留→逮捕"], ["arrest_to_review", "逮捕→移送审查起诉"], ["review_to_indictment", "移送审查起诉→起诉"],
  ["indictment_to_verdict", "起诉→判决"], ["arrest_to_verdict", "逮捕→判决"]];

/** 全口径统计 of the case stages: days per stage per agency, fast-track (速裁/简易) against ordinary. */
async function stageDays(box) {
  try {
    const data = await api("/api/deadlines/stages");
    const cell = (v) => (v.count ? `${v.mean}（中位 ${v.median}，${v.count} 人）` : "—");
    fill(box, h("h2", {}, "各诉讼环节用时（日）"),
      h("p", { class: "hint" }, `根据 ${data.cases_read} 件案件的文书、移送记录和办案人录入计算；“快速”指适用速裁或简易程序（文书载明或办案人确认）的案件。`),
      data.rows.length ? h("table", { id: "stats-stage-days" },
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "单位"), h("th", { scope: "col" }, "程序"), h("th", { scope: "col", class: "num" }, "人数"),
          STAGE_DAYS.map(([, t]) => h("th", { scope: "col", class: "num" }, t)))),
        h("tbody", {}, data.rows.map((r) => h("tr", { "data-agency": r.agency, "data-track": r.track }, h("td", {}, r.agency), h("td", {}, r.track),
          h("td", { class: "num" }, String(r.persons)), STAGE_DAYS.map(([k]) => h("td", { class: "num", "data-stage": k }, cell(r.stages[k])))))))
        : h("p", {}, "暂无记录。"),
      handlerDays(data.handlers || [], cell));
  } catch (err) { fill(box, errorBox(err)); }
}

/** The same per handler (承办人): each counts their agency's stages and arrest-to-verdict; a chart per stage. */
function handlerDays(rows, cell) {
  const who = (r) => r.handler || "未指定承办人";
  const charts = STAGE_DAYS.map(([k, t]) => [t, rows.filter((r) => r.stages[k].count)
    .map((r) => ({ label: `${who(r)}·${r.track}`, value: r.stages[k].mean }))]).filter(([, bars]) => bars.length);
  return h("div", { id: "handler-days" }, h("h3", {}, "按承办人"),
    h("p", { class: "hint" }, "承办人由办理该阶段的单位指定；侦查机关的承办人计拘留→逮捕、逮捕→移送审查起诉，检察院的计移送审查起诉→起诉，法院的计起诉→判决，各自都计逮捕→判决。未指定承办人的案件计入“未指定承办人”。"),
    rows.length ? h("table", { id: "stats-handler-days" },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "单位"), h("th", { scope: "col" }, "承办人"), h("th", { scope: "col" }, "程序"),
        h("th", { scope: "col", class: "num" }, "人数"), STAGE_DAYS.map(([, t]) => h("th", { scope: "col", class: "num" }, t)))),
      h("tbody", {}, rows.map((r) => h("tr", { "data-agency": r.agency, "data-handler": r.handler || "", "data-track": r.track },
        h("td", {}, r.agency), h("td", {}, who(r)), h("td", {}, r.track), h("td", { class: "num" }, String(r.persons)),
        STAGE_DAYS.map(([k]) => h("td", { class: "num", "data-stage": k }, cell(r.stages[k])))))))
      : h("p", {}, "暂无记录。"),
    charts.length ? h("div", { class: "charts", id: "handler-charts" }, charts.map(([t, bars]) => barChart(`${t}（平均日数，按承办人·程序）`, bars))) : null);
}
