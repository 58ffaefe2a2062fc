// 办案期限 on the case page: per person, every event (linked to its page) and every limit, the one
// due next highlighted, overdue in red, due-soon warned (CASEFILE_DEADLINE_WARN_DAYS, on the server).
import { api, fill, h } from "./api.js";
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
