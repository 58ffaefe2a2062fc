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
    const what = e.extension ? `${e.measure}（${e.extension_title || e.extension}）` : e.measure;
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
    handlerBlock(caseNumber),
    persons.map((p) => personBlock(p, next && next.limit)),
    recordsBlock(caseNumber, box, data));
}

function handlerName(x) {
  return x.display_name ? `${x.display_name}（${x.username}）` : x.username;
}

/** 承办人 of the case's current stage; the agency holding the stage assigns one of its handlers. */
export function handlerBlock(caseNumber) {
  const box = h("div", { id: "case-handler" }, h("p", { class: "loading" }, "正在读取承办人……"));
  const url = `/api/cases/${encodeURIComponent(caseNumber)}/handler`;
  async function load() {
    try {
      const data = await api(url);
      const current = data.current
        ? h("p", { id: "case-handler-current" }, `承办人：${handlerName(data.current)}（${data.current.agency}，${data.current.assigned_by} 指定）`)
        : h("p", { id: "case-handler-current", class: "hint" }, `${data.agency || "办案单位"}尚未指定本阶段的承办人；办案期限列表暂按经办记录（移送、录入、繁简分流决定）确定经办人。`);
      let form = null;
      if (data.may_assign) {
        const select = h("select", { id: "handler-select" }, data.candidates.map((c) =>
          h("option", { value: c.username, selected: data.current && data.current.username === c.username }, handlerName(c))));
        const msg = h("div", { role: "status" });
        const submit = h("button", { type: "submit", id: "handler-assign" }, data.current ? "更换承办人" : "指定承办人");
        form = data.candidates.length ? h("form", { class: "inline", id: "handler-form", onsubmit: (e) => { e.preventDefault(); busy(submit, async () => {
          fill(msg);
          try {
            await api(url, { method: "POST", json: { username: select.value } });
            await load();
          } catch (err) { fill(msg, errorBox(err)); }
        }); } }, h("label", { for: "handler-select" }, "承办人"), select, submit, msg)
          : h("p", { class: "hint" }, "本单位没有可指定的侦查、检察或审判人员。");
      }
      fill(box, h("h4", {}, "承办人"), current, form);
    } catch (err) { fill(box, errorBox(err)); }
  }
  load();
  return box;
}

const KIND = { extension: "延长期限", measure: "变更强制措施或诉讼环节" };

function recordText(r, extensions) {
  const ext = extensions.find((e) => e.id === r.extension);
  const what = r.kind === "extension" ? `延长：${ext ? `${ext.rule_title}，${ext.title}（${ext.article}）` : r.extension}` : r.measure;
  const doc = r.document_number ? `文号 ${r.document_number}` : `本案文件 ${r.document_id}`;
  return `${r.date} ${r.person} ${what}（${doc}；${r.recorded_by}${r.agency ? "，" + r.agency : ""}录入）`;
}

/** The handlers' records (延长、变更强制措施) with their documents, and the form to add one. */
function recordsBlock(caseNumber, box, data) {
  const records = data.records || [];
  const list = records.length ? h("ul", { id: "custody-records" }, records.map((r) => h("li", { "data-record": r.id, class: r.withdrawn_at ? "hint" : null },
    recordText(r, (data.recordable && data.recordable.extensions) || []), r.withdrawn_at ? `（已撤销：${r.withdrawn_reason}，${r.withdrawn_by}）` : null,
    !r.withdrawn_at && can("deadlines.record") ? [" ", h("button", { type: "button", class: "withdraw-record", onclick: (e) => busy(e.currentTarget, async () => {
      const reason = window.prompt("撤销理由");
      if (!reason || !reason.trim()) return;
      try {
        await api(`/api/cases/${encodeURIComponent(caseNumber)}/custody-records/${r.id}/withdraw`, { method: "POST", json: { reason: reason.trim() } });
        await showDeadlines(caseNumber, box);
      } catch (err) { fill(box, errorBox(err)); }
    }) }, "撤销")] : null))) : null;
  return h("div", { id: "custody-block" }, h("h4", {}, "延长期限、变更强制措施（办案人录入）"),
    list || h("p", { class: "hint" }, "尚无录入。"),
    can("deadlines.record") ? recordForm(caseNumber, box, data) : null);
}

function recordForm(caseNumber, box, data) {
  const names = (data.persons || []).map((p) => p.name);
  const person = h("input", { id: "record-person", list: "record-persons", maxlength: 100, required: true, value: names[0] || "" });
  const kind = h("select", { id: "record-kind" }, Object.entries(KIND).map(([v, t]) => h("option", { value: v }, t)));
  const extension = h("select", { id: "record-extension" }, (data.recordable.extensions || []).map((e) =>
    h("option", { value: e.id }, `${e.rule_title}：${e.title}（${e.article}）`)));
  const measure = h("select", { id: "record-measure", hidden: true }, (data.recordable.measures || []).map((m) => h("option", { value: m }, m)));
  const day = h("input", { id: "record-date", type: "date", required: true });
  const number = h("input", { id: "record-number", maxlength: 200, placeholder: "例如：京公（刑）延拘字〔2026〕12号" });
  const docSelect = h("select", { id: "record-document" }, h("option", { value: "" }, "（不选）"),
    (data.documents || []).map((id) => h("option", { value: id }, `本案文件 ${id}`)));
  const msg = h("div", { role: "status" });
  kind.addEventListener("change", () => { extension.hidden = kind.value !== "extension"; measure.hidden = kind.value !== "measure"; });
  const submit = h("button", { type: "submit", class: "primary", id: "record-submit" }, "录入");
  return h("form", { class: "record-form", onsubmit: (e) => { e.preventDefault(); busy(submit, async () => {
    fill(msg);
    const body = { person: person.value.trim(), kind: kind.value, date: day.value, document_number: number.value.trim() || null,
      document_id: docSelect.value ? Number(docSelect.value) : null };
    if (kind.value === "extension") body.extension = extension.value; else body.measure = measure.value;
    try {
      await api(`/api/cases/${encodeURIComponent(caseNumber)}/custody-records`, { method: "POST", json: body });
      await showDeadlines(caseNumber, box);
    } catch (err) { fill(msg, errorBox(err)); }
  }); } },
  h("datalist", { id: "record-persons" }, names.map((n) => h("option", { value: n }))),
  h("div", { class: "inline" }, h("label", { for: "record-person" }, "姓名"), person, h("label", { for: "record-kind" }, "类别"), kind,
    h("label", { for: "record-extension" }, "情形"), extension, measure),
  h("div", { class: "inline" }, h("label", { for: "record-date" }, "决定日期"), day, h("label", { for: "record-number" }, "文号"), number,
    h("label", { for: "record-document" }, "或本案文书"), docSelect, submit), msg);
}

function dueTable(limits) {
  const rows = limits.map((l) => h("tr", { class: limitClass(l, null), "data-case": l.case_number, "data-person": l.person, "data-rule": l.rule },
    h("td", {}, h("a", { href: caseHref(l.case_number), title: "打开案件" }, l.case_number)), h("td", {}, l.agency || ""),
    h("td", { "data-source": l.handler_source }, (l.handlers || []).join("、"),
      l.handler_source === "acted" ? h("span", { class: "hint" }, "（未指定承办人，按经办记录）") : null), h("td", {}, l.person), h("td", {}, l.title), h("td", {}, l.article), h("td", {}, l.due),
    h("td", { class: "num days-left" }, daysLeftText(l)), h("td", {}, l.overdue ? "已超期" : l.due_soon ? "即将期满" : LIMIT_STATUS[l.status] || l.status)));
  return h("table", { id: "due-page-table" },
    h("thead", {}, h("tr", {}, ["案号", "办案单位", "承办人", "犯罪嫌疑人", "期限", "依据", "期满日", "剩余", "状态"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, rows));
}

/** 办案期限 page: what is due within N days, for me, an agency, or everything I may see. */
export async function showDue(view, params) {
  const days = h("input", { id: "due-days", type: "number", min: 0, max: 366, value: params.get("days") || "7" });
  const scope = h("select", { id: "due-scope" }, [["all", "我可查看的全部案件"], ["me", "我承办的案件"], ["agency", "按办案单位"]].map(([v, t]) =>
    h("option", { value: v, selected: v === (params.get("scope") || "all") }, t)));
  const agency = h("select", { id: "due-agency", hidden: scope.value !== "agency" });
  const agencyLabel = h("label", { for: "due-agency", hidden: scope.value !== "agency" }, "办案单位");
  const box = h("div", { id: "due-page" }, h("p", { class: "loading" }, "正在计算……"));
  const summary = h("p", { id: "due-summary", role: "status" });
  async function load() {
    fill(box, h("p", { class: "loading" }, "正在计算……"));
    const q = new URLSearchParams({ days: days.value || "7" });
    if (scope.value === "me") q.set("handler", "me");
    if (scope.value === "agency" && agency.value) q.set("agency", agency.value);
    try {
      const data = await api("/api/deadlines/due?" + q);
      const chosen = agency.value;
      fill(agency, data.agencies.map((a) => h("option", { value: a, selected: a === (data.agency || chosen) }, a)));
      const overdue = data.limits.filter((l) => l.overdue).length;
      const soon = data.limits.filter((l) => l.due_soon).length;
      const unassigned = (data.unassigned_cases || []).length;
      summary.textContent = `共 ${data.limits.length} 项：已超期 ${overdue} 项，${data.warn_days} 日内期满 ${soon} 项。` +
        (unassigned ? `其中 ${unassigned} 件案件本阶段尚未指定承办人，按经办记录（移送、录入、繁简分流决定）列出经办人。` : "");
      fill(box, data.limits.length ? dueTable(data.limits) : h("p", { class: "hint" }, `${data.days} 日内没有到期的办案期限。`));
    } catch (err) { fill(box, errorBox(err)); }
  }
  scope.addEventListener("change", () => { agency.hidden = agencyLabel.hidden = scope.value !== "agency"; load(); });
  agency.addEventListener("change", load);
  const form = h("form", { class: "inline", id: "due-filters", onsubmit: (e) => { e.preventDefault(); load(); } },
    h("label", { for: "due-days" }, "天数"), days, h("label", { for: "due-scope" }, "范围"), scope,
    agencyLabel, agency, h("button", { type: "submit" }, "查询"));
  fill(view, h("section", { class: "card", "aria-labelledby": "due-page-title" }, h("h2", { id: "due-page-title" }, "办案期限"),
    h("p", { class: "hint" }, "列出指定天数内期满和已超期的办案期限；已超期的显示为红色，临近期满的显示为黄色。"), form, summary, box));
  await load();
}

/** 繁简分流 board: the fast-track candidates of my inbox or of every case I may see. */
export async function showBoard(view, params) {
  const scope = h("select", { id: "board-scope" }, [["all", "我可查看的全部案件"], ["inbox", "收件箱（待审核的移送）"]].map(([v, t]) =>
    h("option", { value: v, selected: v === (params.get("scope") || "all") }, t)));
  const box = h("div", { id: "board" }, h("p", { class: "loading" }, "正在分析……"));
  async function load() {
    try {
      const data = await api("/api/triage/board?scope=" + scope.value);
      fill(box, data.items.length ? h("ul", { id: "board-items" }, data.items.map((item) => boardItem(item, load)))
        : h("p", { class: "hint" }, `已分析 ${data.cases_read} 件案件，没有速裁或简易程序的候选案件。`));
    } catch (err) { fill(box, errorBox(err)); }
  }
  scope.addEventListener("change", load);
  fill(view, h("section", { class: "card", "aria-labelledby": "board-title" }, h("h2", { id: "board-title" }, "繁简分流候选案件"),
    h("div", { class: "inline" }, h("label", { for: "board-scope" }, "范围"), scope), box));
  await load();
}

function boardItem(item, reload) {
  const reason = h("textarea", { rows: 2, maxlength: 1000, class: "board-reason", "aria-label": `${item.case_number} 的理由`, placeholder: "例如：认罪认罚，事实清楚，证据充分" });
  const msg = h("div", { role: "status" });
  const send = (decision) => (e) => busy(e.currentTarget, async () => {
    fill(msg);
    if (!reason.value.trim()) { fill(msg, errorBox({ message: "请填写理由。", hint: "确认或否定繁简分流建议时必须说明理由。" })); reason.focus(); return; }
    try {
      await api("/api/cases/" + encodeURIComponent(item.case_number) + "/triage/decisions", { method: "POST", json: { decision, procedure: item.candidate, reason: reason.value.trim() } });
      await reload();
    } catch (err) { fill(msg, errorBox(err)); }
  });
  return h("li", { class: "card board-item", "data-case": item.case_number },
    h("h3", {}, h("a", { href: caseHref(item.case_number) }, item.case_number), " ", h("small", {}, item.case_title || ""), " ",
      h("span", { class: "ok" }, `可适用${item.candidate}程序`)),
    h("ul", { class: "board-reasons" }, item.reasons.map((r) => triageItem(r, "reason"))),
    item.decision ? h("p", { class: "board-decision " + (item.decision.decision === "confirmed" ? "ok" : "overdue") }, decisionText(item.decision))
      : h("p", { class: "board-decision hint" }, "办案人尚未确认。"),
    item.may_decide ? h("form", { class: "triage-decide", onsubmit: (e) => e.preventDefault() }, reason,
      h("div", { class: "inline" },
        h("button", { type: "button", class: "primary board-confirm", onclick: send("confirmed") }, "确认适用"),
        h("button", { type: "button", class: "board-reject", onclick: send("rejected") }, "否定适用")), msg) : null);
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
  return h("section", { class: "card", "aria-labelledby": "due-title" }, h("h2", { id: "due-title" }, "七日内到期的办案期限"), box,
    h("p", {}, h("a", { href: "#/due", id: "due-more" }, "按承办人或办案单位查看")));
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
