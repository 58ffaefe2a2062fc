// Clerk screens: case list and creation; a case with uploads, live progress, documents, facts, transfers.
import { STAGE, STATUS, TRANSFER_STATUS, api, busy, session, can, caseHref, confirmDialog, errorBox, fill, fmtBytes, fmtTime, h, timers, uploadFile } from "./api.js";
import { dueThisWeek, showDeadlines, showTriage } from "./deadlines.js";

export async function showCases(view) {
  const cases = await api("/api/cases");
  const parts = [];
  if (can("case.create")) {
    const number = h("input", { id: "new-case", size: 36, required: true, placeholder: "例如（2026）京0105刑初123号" });
    const title = h("input", { id: "new-case-title", size: 30, placeholder: "可不填" });
    const msg = h("div");
    parts.push(h("section", { class: "card" }, h("h2", {}, "新建案件"),
      h("form", { class: "inline", onsubmit: async (e) => {
        e.preventDefault();
        fill(msg);
        try {
          const c = await api("/api/cases", { method: "POST", json: { case_number: number.value.trim(), title: title.value.trim() || null } });
          location.hash = caseHref(c.case_number);
        } catch (err) { fill(msg, errorBox(err)); }
      } },
      h("label", { for: "new-case" }, "案号"), number,
      h("label", { for: "new-case-title" }, "案件名称"), title,
      h("button", { type: "submit", class: "primary" }, "新建案件")), msg));
  }
  if (cases.length) parts.push(dueThisWeek());
  const rows = cases.map((c) => h("tr", {},
    h("td", {}, h("a", { href: caseHref(c.case_number) }, c.case_number)),
    h("td", {}, c.title || ""), h("td", { class: "num" }, c.document_count), h("td", {}, fmtTime(c.created_at))));
  parts.push(h("section", { class: "card" }, h("h2", {}, "案件列表"),
    cases.length ? h("table", { id: "case-list" }, h("thead", {}, h("tr", {}, ["案号", "名称", "文件数", "创建时间"].map((t) => h("th", { scope: "col" }, t)))), h("tbody", {}, rows))
      : h("p", {}, "还没有案件。")));
  fill(view, ...parts);
}

function uploader(caseNumber, onUploaded) {
  const list = h("ul", { id: "uploads", class: "uploads", "aria-label": "上传队列" });
  const picker = h("input", { type: "file", multiple: true, id: "file-picker", class: "sr-only",
    accept: ".pdf,.tif,.tiff,.jpg,.jpeg,.png,.docx,.txt" });
  const pickButton = h("label", { for: "file-picker", class: "button", tabindex: "0", role: "button",
    onkeydown: (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); picker.click(); } } }, "选择文件");
  const drop = h("div", { id: "drop", class: "drop" }, "把文件拖到这里，或 ", pickButton, picker,
    h("div", { class: "hint" }, "支持 PDF、TIFF、JPEG、PNG、DOCX、TXT，可一次选择多个文件；某个文件失败不影响其他文件。"));
  const start = (files) => {
    const jobs = [...files].map(async (file) => {
      const bar = h("progress", { max: 100, value: 0, "aria-label": `${file.name} 上传进度` });
      const state = h("span", { class: "upload-state" }, "上传中…");
      const item = h("li", { "data-file": file.name }, h("span", { class: "fname" }, file.name), h("span", { class: "hint" }, fmtBytes(file.size)), bar, state);
      list.append(item);
      const result = await uploadFile(caseNumber, file, (p) => { bar.value = p; });
      bar.value = 100;
      if (result.ok) {
        const doc = result.body.documents && result.body.documents[0];
        item.classList.add("ok");
        if (doc) item.dataset.document = doc.id;
        if (doc && doc.duplicate) item.classList.add("duplicate");
        fill(state, doc && doc.duplicate ? "已存在相同文件，未重复处理" : "已上传，正在处理");
      } else {
        item.classList.add("failed");
        bar.remove();  // a full bar beside a refusal read as success
        fill(state, errorBox(result.error));
      }
      onUploaded();
    });
    return Promise.all(jobs);
  };
  picker.addEventListener("change", () => { start(picker.files).then(() => { picker.value = ""; }); });
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); start(e.dataTransfer.files); });
  return h("div", {}, drop, list);
}

function stageText(d) {
  if (d.status === "done") return "完成";
  if (d.status === "failed") return "失败";
  const p = d.progress || {};
  if (p.stage === "reading" && p.pages_total) return `识别页面 ${p.pages_done}/${p.pages_total}`;
  return STAGE[p.stage] || STATUS[d.status] || d.status;
}

let typesCache = null;
async function documentTypes() {
  if (!typesCache) typesCache = api("/api/ui/document-types").catch(() => []);
  return typesCache;
}

/** A file's type: a choice for the agency that added it (while it holds the case), else text. */
function typeCell(d, refresh, types) {
  const mine = can("document.upload") && session.me && (!d.agency || d.agency === session.me.agency);
  const shown = d.document_type === "other" ? "其他" : d.document_type || "";
  if (!mine || d.status !== "done" || !types.length) return h("td", {}, shown, d.type_corrected ? h("span", { class: "hint" }, "（已更正）") : null);
  const options = d.document_type && !types.includes(d.document_type) ? [d.document_type, ...types] : types;
  const select = h("select", { class: "retype", "aria-label": `${d.filename} 的文书类型`, onchange: async (e) => {
    e.target.disabled = true;
    try { await api(`/api/documents/${d.id}`, { method: "PATCH", json: { document_type: e.target.value } }); }
    catch (err) { e.target.after(errorBox(err)); }
    refresh();
  } }, options.map((t) => h("option", { value: t, selected: t === d.document_type, disabled: !types.includes(t) }, t)));
  return h("td", {}, select, d.type_corrected ? h("span", { class: "hint" }, "（已更正）") : null);
}

function deleteButton(d, refresh) {
  const mine = can("document.delete") && session.me && (!d.agency || d.agency === session.me.agency);
  if (!mine || !["done", "failed"].includes(d.status)) return null;
  return h("button", { type: "button", class: "delete-document", onclick: (e) => busy(e.currentTarget, async () => {
    const ok = await confirmDialog({ id: "delete-confirm", title: "删除文件", ok: "删除", cancel: "取消",
      body: h("p", {}, `从本案中删除“${d.filename}”？删除后它不再参与检索、事实提取和移送材料核对；原件仍保存在系统中，删除操作记入审计日志。`) });
    if (!ok) return;
    try { await api(`/api/documents/${d.id}`, { method: "DELETE" }); } catch (err) { e.target.after(errorBox(err)); }
    refresh();
  }) }, "删除");
}

function documentRow(d, refresh, types = []) {
  const p = d.progress || {};
  // only the agency that added a document retries it (a received case's documents stay the sender's)
  const retry = can("document.retry") && d.status === "failed" && (!d.agency || !session.me || d.agency === session.me.agency)
    ? h("button", { type: "button", class: "retry", onclick: async (e) => {
      e.target.disabled = true;
      try { await api(`/api/documents/${d.id}/retry`, { method: "POST" }); } catch (err) { e.target.after(errorBox(err)); }
      refresh();
    } }, "重试") : null;
  return h("tr", { "data-document": d.id, "data-status": d.status },
    h("td", {}, d.status === "done" && d.page_count ? h("a", { href: `#/page/${d.id}/1` }, d.filename) : d.filename),
    typeCell(d, refresh, types), h("td", { class: "num" }, d.page_count ?? ""),
    h("td", { class: "status-" + d.status }, STATUS[d.status] || d.status),
    h("td", {}, h("progress", { max: 100, value: p.percent || 0, "aria-label": `${d.filename} 处理进度` }),
      h("div", { class: "hint stage" }, stageText(d))),
    h("td", {}, d.error ? errorBox(d.error) : null, retry, deleteButton(d, refresh)));
}

export async function showCase(view, caseNumber) {
  const kase = await api("/api/cases/" + encodeURIComponent(caseNumber));
  const docsBody = h("tbody");
  const factsBox = h("div", { id: "facts" }, h("p", { class: "hint" }, "文件处理完成后显示。"));
  const summary = h("p", { class: "hint", id: "doc-summary" });
  const catalogueBox = h("div", { id: "catalogue" });
  const catalogueMsg = h("div", { id: "catalogue-msg", "aria-live": "polite" });
  const deadlinesBox = h("div", { id: "deadlines" }, h("p", { class: "hint" }, "文件处理完成后显示。"));
  const triageBox = h("div", { id: "triage" }, h("p", { class: "hint" }, "文件处理完成后显示。"));
  let lastDone = -1;
  let lastSignature = "";
  let timer = null;
  async function refresh() {
    let docs;
    try { docs = await api("/api/cases/" + encodeURIComponent(caseNumber) + "/documents"); } catch (_) { return; }
    const types = await documentTypes();
    fill(docsBody, ...docs.map((d) => documentRow(d, refresh, types)));
    fill(catalogueBox, catalogueTable(docs, { refresh, msg: catalogueMsg, types }));
    // the materials check follows uploads, corrections and deletions
    const signature = docs.map((d) => `${d.id}:${d.status}:${d.document_type}:${d.catalogue_revision || 0}`).join(",");
    if (signature !== lastSignature) { lastSignature = signature; window.dispatchEvent(new Event("casefile:documents-changed")); }
    // the upload list follows each uploaded file through processing, as the table does
    for (const d of docs) {
      const state = document.querySelector(`#uploads li[data-document="${d.id}"]:not(.duplicate) .upload-state`);
      if (state) state.textContent = d.status === "done" ? "已上传，处理完成" : d.status === "failed" ? "已上传，处理失败（见下方文件列表）" : `已上传，${stageText(d)}`;
    }
    const counts = { done: 0, failed: 0, busy: 0 };
    for (const d of docs) counts[d.status === "done" ? "done" : d.status === "failed" ? "failed" : "busy"] += 1;
    summary.textContent = `共 ${docs.length} 个文件：完成 ${counts.done}，处理中 ${counts.busy}，失败 ${counts.failed}`;
    if (counts.done !== lastDone && counts.done > 0) {
      lastDone = counts.done;
      showFacts(caseNumber, factsBox).catch((err) => fill(factsBox, errorBox(err)));
      showDeadlines(caseNumber, deadlinesBox).catch((err) => fill(deadlinesBox, errorBox(err)));
      showTriage(caseNumber, triageBox).catch((err) => fill(triageBox, errorBox(err)));
    }
    if (counts.busy && !timer) { timer = setInterval(refresh, 1000); timers.add(timer); }
    if (!counts.busy && timer) { clearInterval(timer); timers.delete(timer); timer = null; }
  }
  const sections = [
    h("section", { class: "card" }, h("h2", {}, kase.case_number, " ", h("small", {}, kase.title || "")),
      can("search") ? h("form", { class: "inline", role: "search", onsubmit: (e) => {
        e.preventDefault();
        location.hash = "#/search?" + new URLSearchParams({ q: e.target.q.value, case: caseNumber });
      } }, h("label", { for: "case-q" }, "在本案中检索"), h("input", { id: "case-q", name: "q", size: 30 }), h("button", { type: "submit" }, "检索")) : null),
  ];
  if (can("document.upload")) sections.push(h("section", { class: "card" }, h("h3", {}, "上传材料"), uploader(caseNumber, refresh)));
  sections.push(h("section", { class: "card" }, h("h3", {}, "文件"), summary,
    h("div", { id: "documents-wrap" }, h("table", { id: "documents" }, h("thead", {}, h("tr", {}, ["文件", "类型", "页数", "状态", "进度", "说明"].map((t) => h("th", { scope: "col" }, t)))), docsBody))));
  // the printable 卷内目录 (A4 PDF), pages counted across the files as the table counts them
  const cataloguePdf = h("a", { id: "catalogue-pdf", class: "heading-link", download: "",
    href: `/api/cases/${encodeURIComponent(caseNumber)}/catalogue.pdf` }, "打印卷内目录（PDF）");
  sections.push(h("section", { class: "card" }, h("h3", {}, "卷内目录 ", cataloguePdf), catalogueMsg, catalogueBox));
  sections.push(h("section", { class: "card" }, h("h3", {}, "案件事实"), factsBox));
  sections.push(h("section", { class: "card", "aria-labelledby": "deadlines-title" }, h("h3", { id: "deadlines-title" }, "办案期限"), deadlinesBox));
  sections.push(h("section", { class: "card", "aria-labelledby": "triage-title" }, h("h3", { id: "triage-title" }, "繁简分流"), triageBox));
  const transfersBox = h("div", { id: "transfers" });
  sections.push(h("section", { class: "card" }, h("h3", {}, "移送与表单"), transfersBox));
  fill(view, ...sections);
  await refresh();
  showTransfers(caseNumber, transfersBox).catch((err) => fill(transfersBox, errorBox(err)));
}

/**
 * 卷内目录: every document of the case, file by file in upload order, as the catalogue found it
 * and the clerk corrected it: 序号, 文书名称, 文号, 责任者, 日期, 页号 (in its file, and in the case
 * counting files in order). The agency that added a file gets buttons to correct its entries
 * (拆分/合并/改类型/改标题/上移/下移/删除); every correction is kept across reprocessing and audited.
 */
export function catalogueTable(docs, { refresh = null, msg = null, types = [] } = {}) {
  const rows = [];
  let before = 0;
  let editable = false;
  for (const d of docs.filter((x) => x.status === "done")) {
    const entries = d.catalogue_edits || !(d.type_corrected || !(d.catalogue || []).length) ? d.catalogue
      : [{ type: d.document_type, title: d.document_type, number: null, agency: null, date: null, first_page: 1, last_page: d.page_count || 1 }];
    const mine = !!refresh && can("document.upload") && session.me && (!d.agency || d.agency === session.me.agency);
    editable = editable || mine;
    entries.forEach((e, i) => {
      const span = (a, b) => (a === b ? `${a}` : `${a}–${b}`);
      const shownType = e.type === "other" ? "其他" : e.type;
      rows.push(h("tr", { "data-document": d.id, "data-first-page": e.first_page },
        h("td", { class: "num", "data-label": "序号" }, rows.length + 1),
        h("td", { "data-label": "文书名称" }, h("a", { href: `#/page/${d.id}/${e.first_page}` }, e.title || shownType || "其他"),
          shownType && e.title && !e.title.includes(shownType) ? h("span", { class: "hint" }, `（${shownType}）`) : null,
          e.corrected ? h("span", { class: "hint corrected" }, "（已更正）") : null),
        h("td", { "data-label": "文号" }, e.number || ""), h("td", { "data-label": "责任者" }, e.agency || ""),
        h("td", { "data-label": "日期" }, e.date || ""),
        h("td", { "data-label": "页号" }, `${d.filename} 第 ${span(e.first_page, e.last_page)} 页`, h("div", { class: "hint" }, `全案第 ${span(before + e.first_page, before + e.last_page)} 页`)),
        mine ? h("td", { class: "catalogue-actions", "data-label": "更正" }, entryActions(d, entries, i, { refresh, msg, types })) : editable ? h("td", { class: "catalogue-actions" }) : null));
    });
    before += d.page_count || 0;
  }
  const heads = ["序号", "文书名称", "文号", "责任者", "日期", "页号", ...(editable ? ["更正"] : [])];
  if (!rows.length) return h("p", { class: "hint" }, "文件处理完成后，在这里列出卷内的每一份文书。");
  const table = h("table", { id: "catalogue-table", class: editable ? "editable" : null },
    h("thead", {}, h("tr", {}, heads.map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, rows));
  return h("div", { class: "catalogue-wrap" }, editable ? undoBar(docs, { refresh, msg }) : null, table);
}

const EDIT_NAMES = { split: "拆分", merge: "合并", retype: "改类型", edit: "改标题", move: "调整顺序", delete: "删除" };

/**
 * 撤销上一步: takes back the last correction of a file's catalogue (one button per corrected file
 * of the clerk's agency, naming the file when there are several; off when there is nothing to undo).
 */
function undoBar(docs, { refresh, msg }) {
  const mine = docs.filter((d) => d.status === "done" && can("document.upload") && session.me && (!d.agency || d.agency === session.me.agency));
  const undoable = mine.filter((d) => d.catalogue_edits);
  const button = (d) => {
    const what = d ? `${d.filename} 的上一步更正（${EDIT_NAMES[d.catalogue_last_edit] || "更正"}）` : "";
    return h("button", { type: "button", class: "catalogue-undo", disabled: !d, "data-document": d ? d.id : null,
      title: d ? `撤销${what}` : "卷内目录还没有可撤销的更正",
      onclick: (ev) => catalogueRequest(ev.currentTarget, msg, refresh, () =>
        api(`/api/documents/${d.id}/catalogue/undo`, { method: "POST", json: { revision: d.catalogue_revision || 0 } })
          .then(() => `已撤销${what}。`)) },
    undoable.length > 1 ? `撤销上一步（${d.filename}）` : "撤销上一步");
  };
  return h("div", { class: "catalogue-undo-bar" }, undoable.length ? undoable.map(button) : button(null));
}

/** The correction buttons of one catalogue entry (entry ``i`` of file ``d``). */
function entryActions(d, entries, i, { refresh, msg, types }) {
  const e = entries[i];
  const name = `“${e.title || e.type || "其他"}”`;
  // revision: the server refuses a correction made on a catalogue that changed meanwhile
  // (a double click, another clerk, another window) instead of overwriting it
  const send = (edit, done) => api(`/api/documents/${d.id}/catalogue/edits`, { method: "POST",
    json: { ...edit, revision: d.catalogue_revision || 0 } }).then(() => done);
  const button = (cls, text, label, work, off = false) => h("button", { type: "button", class: "catalogue-" + cls, "aria-label": `${text}${name}`, title: label, disabled: off,
    onclick: (ev) => catalogueRequest(ev.currentTarget, msg, refresh, work) }, text);
  return [
    button("split", "拆分", "从某一页起拆成两份文书", async () => {
      const page = h("input", { type: "number", id: "split-page", min: e.first_page + 1, max: e.last_page, value: e.first_page + 1, required: true });
      const kind = typeSelect("split-type", types, "", "按该页标题自动识别");
      const title = h("input", { id: "split-title", size: 24, placeholder: "可不填" });
      const ok = await confirmDialog({ id: "split-dialog", title: `拆分${name}`, ok: "拆分", cancel: "取消", body: [
        h("p", { class: "hint" }, `这份文书在 ${d.filename} 第 ${e.first_page}–${e.last_page} 页。新文书从所填页开始，到原文书末页为止。`),
        h("div", { class: "dialog-fields" }, h("label", { for: "split-page" }, "从第几页起"), page,
          h("label", { for: "split-type" }, "新文书类型"), kind, h("label", { for: "split-title" }, "新文书名称"), title)] });
      if (!ok) return null;
      return send({ op: "split", page: Number(page.value), type: kind.value || null, title: title.value.trim() || null }, `已从第 ${page.value} 页起拆分。`);
    }, e.first_page === e.last_page),
    button("merge", "合并", "与下一份文书合为一份", () => send({ op: "merge", first_page: e.first_page }, `已将${name}与下一份文书合并。`), i === entries.length - 1),
    button("retype", "改类型", "更正文书类型", async () => {
      const kind = typeSelect("retype-entry", types, e.type);
      const ok = await confirmDialog({ id: "retype-dialog", title: `更正${name}的类型`, ok: "保存", cancel: "取消",
        body: h("div", { class: "dialog-fields" }, h("label", { for: "retype-entry" }, "文书类型"), kind) });
      if (!ok) return null;
      return send({ op: "retype", first_page: e.first_page, type: kind.value }, `已将${name}的类型改为${kind.value}。`);
    }),
    button("retitle", "改标题", "更正文书名称、文号、责任者、日期", async () => {
      const field = (id, label, value, extra = {}) => [h("label", { for: id }, label), h("input", { id, value: value || "", size: 28, ...extra })];
      const fields = h("div", { class: "dialog-fields" }, field("entry-title", "文书名称", e.title), field("entry-number", "文号", e.number),
        field("entry-agency", "责任者", e.agency), field("entry-date", "日期", e.date, { placeholder: "例如 2026-03-02" }));
      const ok = await confirmDialog({ id: "retitle-dialog", title: `更正${name}`, ok: "保存", cancel: "取消", body: fields });
      if (!ok) return null;
      const value = (id) => fields.querySelector("#" + id).value.trim();
      return send({ op: "edit", first_page: e.first_page, fields: { title: value("entry-title"), number: value("entry-number"),
        agency: value("entry-agency"), date: value("entry-date") } }, `已更正“${value("entry-title")}”。`);
    }),
    button("up", "上移", "在本文件目录中上移一位", () => send({ op: "move", first_page: e.first_page, by: -1 }, `已将${name}上移。`), i === 0),
    button("down", "下移", "在本文件目录中下移一位", () => send({ op: "move", first_page: e.first_page, by: 1 }, `已将${name}下移。`), i === entries.length - 1),
    button("delete", "删除", "从目录中删除这一条（页面仍保留在文件中）", async () => {
      const ok = await confirmDialog({ id: "entry-delete-dialog", title: "删除目录条目", ok: "删除", cancel: "取消",
        body: h("p", {}, `从卷内目录中删除${name}（第 ${e.first_page}–${e.last_page} 页）？页面仍保留在文件中，只是不再列为一份文书；删除操作记入审计日志。`) });
      if (!ok) return null;
      return send({ op: "delete", first_page: e.first_page }, `已从目录中删除${name}。`);
    }, entries.length === 1),
  ];
}

function typeSelect(id, types, current, empty = null) {
  const options = current && !types.includes(current) ? [current, ...types] : types;
  return h("select", { id }, empty !== null ? h("option", { value: "" }, empty) : null,
    options.map((t) => h("option", { value: t, selected: t === current }, t)));
}

/**
 * Run one catalogue correction (or undo): every correction button is off while it runs (a double click
 * sends one request), the result or the refusal is said above the table, then the page refreshes.
 */
async function catalogueRequest(button, msg, refresh, work) {
  const box = button.closest(".catalogue-wrap");
  const buttons = box ? [...box.querySelectorAll(".catalogue-actions button, button.catalogue-undo")] : [button];
  if (buttons.some((b) => b.getAttribute("aria-busy") === "true")) return;
  const wasOff = buttons.map((b) => b.disabled);
  buttons.forEach((b) => { b.disabled = true; });
  button.setAttribute("aria-busy", "true");
  let done = null;
  try {
    done = await work();
    if (done && msg) fill(msg, h("p", { class: "ok", role: "status" }, done));
  } catch (err) {
    if (msg) fill(msg, errorBox(err));
  } finally {
    button.removeAttribute("aria-busy");
    buttons.forEach((b, k) => { b.disabled = wasOff[k]; });
  }
  if (done) await refresh();
}

export function evidenceHref(ev) {
  if (!ev || !ev.document_id || !ev.page) return null;
  const q = new URLSearchParams();
  if (ev.start !== undefined && ev.start !== null) { q.set("start", ev.start); q.set("end", ev.end); }
  if (ev.boxes && ev.boxes.length) q.set("boxes", JSON.stringify(ev.boxes));
  return `#/page/${ev.document_id}/${ev.page}?${q}`;
}

function firstEvidence(ev) { return Array.isArray(ev) ? ev[0] : ev; }

const DEFENDANT_FIELDS = [["name", "姓名"], ["gender", "性别"], ["birth_date", "出生日期"], ["ethnicity", "民族"], ["id_number", "身份证号"],
  ["address", "住址"], ["registered_residence", "户籍地"], ["aliases", "别名"], ["charges", "罪名"], ["charges_official", "规范罪名"], ["prior_convictions", "前科"], ["administrative_penalties", "行政处罚"],
  ["on_probation_at_offense", "犯罪时在缓刑期"], ["custody_events", "强制措施"], ["sentence", "刑罚"], ["defence_counsel", "辩护人"], ["acquitted", "宣告无罪"]];
const CASE_FIELDS = [["case_number", "文书案号"], ["court", "法院"], ["procuratorate", "检察院"], ["procedure", "程序"], ["guilty_plea_leniency", "认罪认罚"]];

function showValue(v) {
  if (v === null || v === undefined || v === "") return null;
  if (v === true) return "是";
  if (v === false) return "否";
  if (Array.isArray(v)) return v.map(showValue).filter(Boolean).join("、") || null;
  if (typeof v === "object") return Object.entries(v).filter(([k]) => !["evidence", "confidence"].includes(k)).map(([, x]) => showValue(x)).filter(Boolean).join(" ") || null;
  return String(v);
}

// Fields that are false only where a document says so; false with no evidence means that no
// document states it (a police document says nothing of 认罪认罚 or acquittal).
const STATED_ONLY = new Set(["acquitted", "guilty_plea_leniency"]);

// One line per item of a list of records (前科, 强制措施), each linked to its own evidence.
function itemText(k, item) {
  if (k === "prior_convictions") {
    const official = item.charge_official && item.charge_official !== item.charge ? `（${item.charge_official}）` : null;
    return [item.date, item.charge, official, item.sentence, item.court].filter(Boolean).join(" ") || null;
  }
  if (k === "custody_events") return [item.date, item.measure, item.agency].filter(Boolean).join(" ") || null;
  return showValue(item);
}

// The evidence of a record: the first of its parts that points at a page.
function recordEvidence(ev) {
  if (!ev || typeof ev !== "object") return null;
  if (ev.document_id) return ev;
  return Object.values(ev).map(firstEvidence).find((x) => x && x.document_id) || null;
}

function linked(text, ev) {
  const href = evidenceHref(ev);
  return href ? h("a", { href, title: "查看原文出处" }, text) : text;
}

function factValue(k, value, evidence) {
  if (STATED_ONLY.has(k) && value === false && !firstEvidence(evidence)) return "未载明";
  if (Array.isArray(value) && value.some((v) => v && typeof v === "object")) {
    const items = value.map((item, i) => [itemText(k, item), Array.isArray(evidence) ? evidence[i] : null]).filter(([t]) => t);
    return items.length ? items.map(([t, ev]) => h("div", { class: "fact-item" }, linked(t, recordEvidence(ev)))) : null;
  }
  const text = showValue(value);
  return text === null ? null : linked(text, firstEvidence(evidence));
}

function factList(record, fields, evidence) {
  const rows = fields.map(([k, label]) => [k, label, factValue(k, record[k], (evidence || {})[k])]).filter(([, , v]) => v !== null);
  return h("dl", { class: "facts" }, rows.map(([k, label, v]) => [h("dt", {}, label), h("dd", { "data-field": k }, v)]));
}

export async function showFacts(caseNumber, box) {
  const data = await api("/api/cases/" + encodeURIComponent(caseNumber) + "/facts");
  const f = data.facts || {};
  const defs = (f.defendants || []).map((d) => h("div", { class: "defendant" }, h("h4", {}, "被告人 ", d.name || ""), factList(d, DEFENDANT_FIELDS, d.evidence)));
  const conflicts = (f.conflicts || []).map((c) => h("li", {}, h("strong", {}, `${c.defendant || ""} ${Object.fromEntries([...DEFENDANT_FIELDS, ...CASE_FIELDS])[c.field] || c.field || ""}：`),
    (c.values || c.candidates || []).map((v, i) => {
      const href = evidenceHref(firstEvidence(v.evidence));
      const text = showValue(v.value) ?? "—";
      return [i ? " / " : "", href ? h("a", { href }, text) : text];
    })));
  fill(box, factList(f, CASE_FIELDS, f.evidence),
    defs.length ? defs : h("p", {}, "尚未提取到被告人信息。"),
    h("div", { class: conflicts.length ? "conflicts" : "conflicts none" }, h("h4", {}, `不一致之处（${conflicts.length}）`), conflicts.length ? h("ul", {}, conflicts) : h("p", { class: "hint" }, "各材料之间未发现不一致。")));
}

async function showTransfers(caseNumber, box, flash) {
  const [transfers, records, forms] = await Promise.all([
    api("/api/cases/" + encodeURIComponent(caseNumber) + "/transfers"),
    api("/api/cases/" + encodeURIComponent(caseNumber) + "/form-records"),
    api("/api/forms").catch(() => []),
  ]);
  const formTitles = Object.fromEntries(forms.map((f) => [f.id, f.title]));
  const parts = [flash ? h("p", { class: "ok", role: "status", id: "transfer-sent" }, flash) : null];
  if (can("form.transfer")) parts.push(await transferForm(caseNumber, (text) => showTransfers(caseNumber, box, text)));
  parts.push(transfers.length ? h("table", { class: "transfers" },
    h("thead", {}, h("tr", {}, ["表单", "移送单位", "接收单位", "状态", "时间", ""].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, transfers.map((t) => h("tr", {}, h("td", {}, t.title), h("td", {}, t.from_agency), h("td", {}, t.to_agency),
      h("td", { class: "transfer-" + t.status }, TRANSFER_STATUS[t.status] || t.status,
        t.return_reasons && t.return_reasons.length ? h("div", { class: "hint" }, "退回理由：", t.return_reasons.join("；")) : null),
      h("td", {}, fmtTime(t.created_at)), h("td", {}, h("a", { href: `#/transfer/${t.id}` }, "查看"),
        withdrawable(t) ? [" ", h("button", { type: "button", class: "withdraw", onclick: async () => {
          if (!window.confirm("撤回后接收单位将不能再查看本案。确定撤回？")) return;
          try {
            await api(`/api/transfers/${t.id}/withdraw`, { method: "POST" });
            await showTransfers(caseNumber, box, `已撤回移送至${t.to_agency}。`);
          } catch (err) { fill(box, errorBox(err)); }
        } }, "撤回")] : null)))))
    : h("p", { class: "hint" }, "本案还没有移送记录。"));
  if (records.length) parts.push(h("h4", {}, "已接收表单"), h("ul", {}, records.map((r) => h("li", {}, `${formTitles[r.form_id] || "表单"}${r.defendant ? `（${r.defendant}）` : ""} 第 ${r.version} 版 `, h("a", { href: r.pdf_url, download: "" }, "下载 PDF")))));
  fill(box, ...parts);
}

// The form the case's stage calls for: after 逮捕 the police send 移送审查起诉, after 刑事拘留
// alone 提请批准逮捕; a court sends 社区矫正 for a suspended sentence, 换押证 otherwise.
export function defaultForm(forms, facts) {
  const ids = new Set(forms.map((f) => f.id));
  const events = (facts.defendants || []).flatMap((d) => (d.custody_events || []).map((e) => e.measure || ""));
  const suspended = (facts.defendants || []).some((d) => /缓刑/.test(JSON.stringify(d.sentence || "")));
  const wanted = [
    events.some((m) => m.includes("逮捕")) ? "prosecution_transfer" : null,
    events.some((m) => m.includes("拘留")) ? "arrest_request" : null,
    "prosecution_transfer", "indictment", suspended ? "community_correction" : "custody_transfer",
  ];
  return wanted.find((id) => id && ids.has(id)) || (forms[0] && forms[0].id);
}

// the sending agency may take back a transfer the receiver has not decided yet
function withdrawable(t) {
  return t.status === "pending" && !t.opened_at && can("form.transfer") && session.me && t.from_agency === session.me.agency;
}

let agenciesCache = null;
async function transferForm(caseNumber, done) {
  const forms = await api("/api/forms");
  if (!agenciesCache) agenciesCache = await api("/api/ui/agencies").catch(() => []);
  const facts = await api("/api/cases/" + encodeURIComponent(caseNumber) + "/facts").then((d) => d.facts || {}).catch(() => ({}));
  const kind = session.me && session.me.agency_kind;
  const mine = forms.filter((f) => !kind || f.from_agency_kind === kind);
  const choice = defaultForm(mine.length ? mine : forms, facts);
  const formSelect = h("select", { id: "transfer-form", required: true },
    (mine.length ? mine : forms).map((f) => h("option", { value: f.id, selected: f.id === choice }, f.title)));
  const agencyInput = h("input", { id: "transfer-to", list: "agency-list", required: true, size: 28, placeholder: "例如 北京市朝阳区人民检察院" });
  const datalist = h("datalist", { id: "agency-list" }, agenciesCache.map((a) => h("option", { value: a.name })));
  const note = h("input", { id: "transfer-note", size: 30, placeholder: "可不填" });
  const msg = h("div", { id: "transfer-msg", "aria-live": "polite" });
  // ✓/✗ per required material, with the document that meets it (by type, never by file name)
  const checklist = h("div", { id: "checklist-box" });
  const showChecklist = async () => {
    fill(checklist, h("p", { class: "hint" }, "正在核对移送材料…"));
    let preview;
    try { preview = await api("/api/cases/" + encodeURIComponent(caseNumber) + "/forms/" + encodeURIComponent(formSelect.value)); }
    catch (err) { fill(checklist, errorBox(err)); return; }
    fill(checklist, h("h4", {}, "移送材料"), h("ul", { class: "checklist", id: "checklist" }, (preview.checklist || []).map((c) =>
      h("li", { class: c.present ? "present" : c.required ? "absent" : "optional", "data-item": c.name },
        h("span", { class: "mark", "aria-hidden": "true" }, c.present ? "✓" : "✗"), " ", c.label, c.required ? "" : "（可不附）",
        h("span", { class: "hint" }, c.present ? "：" + (c.names || []).join("；") : c.required ? "：缺少。请上传，或在上方文件列表中更正文书类型。" : "")))));
  };
  formSelect.addEventListener("change", showChecklist);
  const onDocuments = () => { if (checklist.isConnected) showChecklist(); else window.removeEventListener("casefile:documents-changed", onDocuments); };
  window.addEventListener("casefile:documents-changed", onDocuments);
  showChecklist();
  const sendButton = h("button", { type: "submit", class: "primary", id: "transfer-send" }, "一键流转");
  // Sending cannot be undone once the receiver opens it: the clerk sees the pre-filled form and
  // the materials first, and confirms (issue #18); the button is off while a request runs.
  const send = async () => {
    fill(msg);
    const to = agencyInput.value.trim();
    let preview;
    try { preview = await api("/api/cases/" + encodeURIComponent(caseNumber) + "/forms/" + encodeURIComponent(formSelect.value)); }
    catch (err) { fill(msg, errorBox(err)); return; }
    const missing = (preview.checklist || []).filter((c) => c.required && !c.present).map((c) => c.label);
    if (missing.length) {
      fill(msg, errorBox({ message: `移送材料不齐全，缺少：${missing.join("、")}。`, hint: "请先上传缺少的材料，或在文件列表中更正文书类型，再办理移送。" }));
      return;
    }
    const ok = await confirmDialog({
      id: "transfer-preview", title: `移送预览：${preview.title}`, ok: "确认移送", cancel: "返回修改",
      body: [h("p", {}, "接收单位：", h("strong", {}, to)), ...preview.forms.map((form) => {
        const empty = form.fields.filter((f) => f.status !== "filled");
        return h("section", { class: "preview-form" }, h("h4", {}, form.defendant ? `犯罪嫌疑人 ${form.defendant}` : preview.title),
          h("table", {}, h("tbody", {}, form.fields.map((f) => h("tr", {}, h("th", { scope: "row" }, f.label),
            h("td", {}, f.status === "filled" ? showValue(f.value) ?? "" : h("span", { class: "error" }, f.status === "conflict" ? "材料之间不一致，待对方核对" : "缺失，待对方补填")))))),
          empty.length ? h("p", { class: "hint" }, `${empty.length} 个字段未能预填，接收单位审核时补充。`) : null);
      }), h("p", { class: "hint" }, "接收单位打开之前，可以在移送记录中撤回。")],
    });
    if (!ok) return;
    try {
      const t = await api("/api/cases/" + encodeURIComponent(caseNumber) + "/transfers", { method: "POST",
        json: { form_id: formSelect.value, to_agency: to, note: note.value.trim() || null } });
      done(`已移送至${t.to_agency}，等待对方审核。`);
    } catch (err) { fill(msg, errorBox(err)); }
  };
  return h("form", { class: "transfer-send", onsubmit: (e) => {
    e.preventDefault();
    busy(sendButton, send);
  } }, h("div", { class: "inline" },
    h("label", { for: "transfer-form" }, "表单"), formSelect,
    h("label", { for: "transfer-to" }, "接收单位"), agencyInput, datalist,
    h("label", { for: "transfer-note" }, "备注"), note, sendButton), checklist, msg);
}
