// 办案期限 on the case page: per person, every event (linked to its page) and every limit, the one
// due next highlighted, overdue in red, due-soon warned (CASEFILE_DEADLINE_WARN_DAYS, on the server).
import { api, busy, can, caseHref, errorBox, fill, fmtTime, h } from "./api.js";
import { evidenceHref } from "./cases.js";

export const LIMIT_STATUS = { running: "进行中", overdue: "已超期", met: "已按期办理", late: "超期办理", unclear: "请核对" };

/** The page an event was read from: its own span where known, else the document's first page. */
function eventHref(ev) {
  if (!ev || typeof ev !== "object") return null;
  for (const part of [ev, ev.measure, ev.date]) {
    const href = evidenceHref(part && typeof part === "object" ? part : null);
    if (href) return href;
  }
  return ev.document_id ? `#/page/${ev.document_id}/1` : null;
}

function daysLeftText(limit) {
  if (limit.days_left === null || limit.days_left === undefined) return "";
  if (limit.days_left < 0) return `超期 ${-limit.days_left} 日`;
  return limit.days_left === 0 ? "今日期满" : `${limit.days_left} 日`;
}

/** The running (not yet overdue) limit due first across the case, or null. */
export function dueNext(persons) {
  let best = null;
  for (const p of persons) {
    for (const l of p.limits || []) {
      if (l.status !== "running") continue;
      if (!best || l.due < best.limit.due) best = { person: p.name, limit: l };
    }
  }
  return best;
}

function limitClass(limit, next) {
  const classes = ["limit-" + limit.status];
  if (limit.status === "overdue") classes.push("overdue");
  else if (limit.due_soon) classes.push("due-soon");
  if (limit === next) classes.push("due-next");
  return classes.join(" ");
}

function personBlock(p, next) {
  const events = (p.events || []).map((e) => {
    const href = eventHref(e.evidence);
    const what = e.extension ? `${e.measure}（${e.extension}）` : e.measure;
    return h("tr", { "data-measure": e.measure },
      h("td", {}, e.date), h("td", {}, href ? h("a", { href, title: "查看原文出处" }, what) : what),
      h("td", { class: "hint" }, e.source || ""));
  });
  const limits = (p.limits || []).map((l) => h("tr", { class: limitClass(l, next), "data-rule": l.rule },
    h("td", {}, l.title || l.rule), h("td", {}, l.article), h("td", {}, l.from), h("td", {}, l.due),
    h("td", { class: "num days-left" }, daysLeftText(l)),
    h("td", { class: "limit-status" }, LIMIT_STATUS[l.status] || l.status,
      (l.warnings || []).map((w) => h("div", { class: "hint limit-warning" }, w)))));
  return h("div", { class: "deadline-person", "data-person": p.name }, h("h4", {}, p.name),
    events.length ? h("table", { class: "deadline-events" },
      h("thead", {}, h("tr", {}, ["日期", "事项", "说明"].map((t) => h("th", { scope: "col" }, t)))), h("tbody", {}, events))
      : h("p", { class: "hint" }, "文书中未载明强制措施或诉讼环节的日期。"),
    limits.length ? h("table", { class: "deadline-limits" },
      h("thead", {}, h("tr", {}, ["期限", "依据", "起算日", "期满日", "剩余", "状态"].map((t) => h("th", { scope: "col" }, t)))), h("tbody", {}, limits))
      : h("p", { class: "hint" }, "尚无可计算的期限。"));
}

export async function showDeadlines(caseNumber, box) {
  const data = await api("/api/cases/" + encodeURIComponent(caseNumber) + "/deadlines");
  const persons = data.persons || [];
  const next = dueNext(persons);
  const overdue = persons.flatMap((p) => (p.limits || []).filter((l) => l.status === "overdue").map((l) => `${p.name} ${l.title || l.rule}（期满日 ${l.due}）`));
  const head = next
    ? h("p", { id: "deadline-next", class: next.limit.due_soon ? "due-soon" : null },
      `最近期满：${next.person} ${next.limit.title || next.limit.rule}，期满日 ${next.limit.due}（剩余${daysLeftText(next.limit)}）`)
    : h("p", { id: "deadline-next", class: "hint" }, persons.length ? "没有正在计算的期限。" : "文件处理完成后，在这里列出每名犯罪嫌疑人的强制措施和办案期限。");
  fill(box, head, overdue.length ? h("p", { id: "deadline-overdue", class: "overdue", role: "alert" }, `已超期 ${overdue.length} 项：${overdue.join("；")}`) : null,
    (data.warnings || []).map((w) => h("p", { class: "hint" }, w)),
    persons.map((p) => personBlock(p, next && next.limit)));
}

/** 本周到期: every open limit due within 7 days (and every overdue one) across the user's cases. */
export function dueThisWeek() {
  const box = h("div", { id: "due-list" }, h("p", { class: "loading" }, "正在计算……"));
  api("/api/deadlines/due?days=7").then((data) => {
    const rows = data.limits.map((l) => h("tr", { class: limitClass(l, null), "data-case": l.case_number, "data-person": l.person, "data-rule": l.rule },
      // the case number as text: a second link named by it would shadow the case list's
      h("td", {}, l.case_number), h("td", {}, l.person),
      h("td", {}, h("a", { href: caseHref(l.case_number), title: "打开案件" }, l.title)), h("td", {}, l.article), h("td", {}, l.due),
      h("td", { class: "num days-left" }, daysLeftText(l)), h("td", {}, LIMIT_STATUS[l.status] || l.status)));
    fill(box, rows.length ? h("table", { id: "due-table" },
      h("thead", {}, h("tr", {}, ["案号", "犯罪嫌疑人", "期限", "依据", "期满日", "剩余", "状态"].map((t) => h("th", { scope: "col" }, t)))),
      h("tbody", {}, rows)) : h("p", { class: "hint" }, "七日内没有到期的办案期限。"));
  }).catch((err) => fill(box, errorBox(err)));
  return h("section", { class: "card", "aria-labelledby": "due-title" }, h("h2", { id: "due-title" }, "七日内到期的办案期限"), box);
}

const DECISION = { confirmed: "确认适用", rejected: "否定适用" };

function triageItem(item, cls) {
  const href = eventHref(item.evidence);
  const text = item.article ? `${item.text}（${item.article}）` : item.text;
  const blocks = item.blocks && item.blocks.length ? h("span", { class: "hint" }, ` 不适用：${item.blocks.map((b) => b + "程序").join("、")}`) : null;
  return h("li", { class: cls, "data-id": item.id }, href ? h("a", { href, title: "查看原文出处" }, text) : text, blocks);
}

function decisionText(d) {
  return `${DECISION[d.decision] || d.decision}${d.procedure}程序：${d.reason}（${d.decided_by}${d.agency ? "，" + d.agency : ""}，${fmtTime(d.decided_at)}）`;
}

function decisionForm(caseNumber, box, candidate) {
  const procedure = h("select", { id: "triage-procedure" }, ["速裁", "简易"].map((p) => h("option", { value: p, selected: p === (candidate || "速裁") }, p + "程序")));
  const reason = h("textarea", { id: "triage-reason", rows: 2, maxlength: 1000, required: true, placeholder: "例如：认罪认罚，事实清楚，证据充分" });
  const msg = h("div", { role: "status" });
  const send = (decision) => async (e) => busy(e.currentTarget, async () => {
    fill(msg);
    if (!reason.value.trim()) { fill(msg, errorBox({ message: "请填写理由。", hint: "确认或否定繁简分流建议时必须说明理由。" })); reason.focus(); return; }
    try {
      await api("/api/cases/" + encodeURIComponent(caseNumber) + "/triage/decisions", { method: "POST", json: { decision, procedure: procedure.value, reason: reason.value.trim() } });
      await showTriage(caseNumber, box);
    } catch (err) { fill(msg, errorBox(err)); }
  });
  return h("form", { class: "triage-decide", onsubmit: (e) => e.preventDefault() },
    h("div", { class: "inline" }, h("label", { for: "triage-procedure" }, "程序"), procedure,
      h("label", { for: "triage-reason" }, "理由"), reason),
    h("div", { class: "inline" },
      h("button", { type: "button", class: "primary", id: "triage-confirm", onclick: send("confirmed") }, "确认适用"),
      h("button", { type: "button", id: "triage-reject", onclick: send("rejected") }, "否定适用")), msg);
}

/** 繁简分流: the case's candidate with every reason and block (linked to its page), and the decisions. */
export async function showTriage(caseNumber, box) {
  const t = await api("/api/cases/" + encodeURIComponent(caseNumber) + "/triage");
  const head = h("p", { id: "triage-candidate", class: t.candidate ? "ok" : null },
    t.candidate ? `可适用${t.candidate}程序（待办案人确认）` : t.documents.length ? "不符合速裁或简易程序的适用条件，或材料未载明。" : "文件处理完成后显示。");
  fill(box, head,
    t.reasons.length ? [h("h4", {}, "依据"), h("ul", { id: "triage-reasons" }, t.reasons.map((r) => triageItem(r, "reason")))] : null,
    t.blocking.length ? [h("h4", {}, "不适用的情形"), h("ul", { id: "triage-blocking" }, t.blocking.map((b) => triageItem(b, "blocking")))] : null,
    t.decision ? h("p", { id: "triage-decision", class: t.decision.decision === "confirmed" ? "ok" : "overdue" }, decisionText(t.decision)) : h("p", { id: "triage-decision", class: "hint" }, "办案人尚未确认。"),
    t.decisions.length > 1 ? h("details", {}, h("summary", {}, `历次决定（${t.decisions.length}）`), h("ul", { id: "triage-history" }, t.decisions.map((d) => h("li", {}, decisionText(d))))) : null,
    can("triage.decide") && t.documents.length ? decisionForm(caseNumber, box, t.candidate) : null);
}
