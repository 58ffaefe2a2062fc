"use strict";
// casefile web pages: cases, upload with live progress, search, page viewer with hit boxes.
const view = document.getElementById("view");
const STATUS = { queued: "排队中", processing: "处理中", done: "完成", failed: "失败" };
const STAGE = { queued: "排队中", reading: "识别页面", extracting: "提取事实", indexing: "建立索引", done: "完成" };
let pollTimer = null;

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (v !== null && v !== undefined) el.setAttribute(k, v);
  }
  for (const c of children.flat()) el.append(c instanceof Node ? c : document.createTextNode(String(c ?? "")));
  return el;
}

async function api(path, options = {}) {
  const res = await fetch(path, options);
  const body = await res.json().catch(() => ({ code: "bad_response", message: "服务器返回了无法识别的内容。", hint: "请稍后重试。" }));
  if (!res.ok) throw body;
  return body;
}

function errorBox(err) {
  return h("p", { class: "error", role: "alert" }, `${err.message || "出错了。"} `, h("span", { class: "hint" }, err.hint || ""));
}

function route() {
  clearInterval(pollTimer);
  const hash = decodeURIComponent(location.hash.slice(1) || "/");
  const parts = hash.split("/").filter(Boolean);
  if (parts[0] === "case" && parts[1]) return showCase(parts.slice(1).join("/"));
  if (parts[0] === "search") return showSearch(new URLSearchParams(hash.split("?")[1] || ""));
  if (parts[0] === "page") return showPage(parts[1], parts[2], new URLSearchParams(hash.split("?")[1] || ""));
  return showCases();
}

async function showCases() {
  view.replaceChildren(h("p", {}, "加载中…"));
  const cases = await api("/api/cases");
  const input = h("input", { id: "new-case", placeholder: "案号，例如（2026）京0105刑初123号", size: 40, "aria-label": "新案号" });
  const msg = h("div");
  const form = h("form", { onsubmit: async (e) => {
    e.preventDefault(); msg.replaceChildren();
    try { const c = await api("/api/cases", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ case_number: input.value }) });
      location.hash = "#/case/" + encodeURIComponent(c.case_number); }
    catch (err) { msg.replaceChildren(errorBox(err)); }
  } }, input, " ", h("button", { type: "submit", class: "primary" }, "新建案件"), msg);
  const rows = cases.map((c) => h("tr", {}, h("td", {}, h("a", { href: "#/case/" + encodeURIComponent(c.case_number) }, c.case_number)), h("td", {}, c.title || ""), h("td", {}, c.document_count)));
  view.replaceChildren(
    h("section", { class: "card" }, h("h2", {}, "新建案件"), form),
    h("section", { class: "card" }, h("h2", {}, "案件列表"),
      cases.length ? h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, "案号"), h("th", {}, "名称"), h("th", {}, "文件数"))), h("tbody", {}, rows)) : h("p", {}, "还没有案件。")));
}

function uploadFile(caseNumber, file, bar, label) {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    const data = new FormData(); data.append("file", file, file.name);
    xhr.open("POST", "/api/cases/" + encodeURIComponent(caseNumber) + "/documents");
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) bar.value = Math.round(100 * e.loaded / e.total); };
    xhr.onload = () => {
      let body = {}; try { body = JSON.parse(xhr.responseText); } catch (_) { /* shown below */ }
      if (xhr.status >= 400) label.replaceChildren(errorBox(body.message ? body : { message: "上传失败。", hint: "请检查网络后重试。" }));
      else if (body.rejected && body.rejected.length) label.replaceChildren(errorBox(body.rejected[0].error));
      else label.textContent = body.documents && body.documents[0] && body.documents[0].duplicate ? "已存在，未重复处理" : "已上传";
      bar.value = 100; resolve();
    };
    xhr.onerror = () => { label.replaceChildren(errorBox({ message: "网络中断，上传失败。", hint: "请检查网络后重新选择文件上传。" })); resolve(); };
    xhr.send(data);
  });
}

async function showCase(caseNumber) {
  let kase;
  try { kase = await api("/api/cases/" + encodeURIComponent(caseNumber)); }
  catch (err) { view.replaceChildren(errorBox(err)); return; }
  const uploads = h("ul", { id: "uploads" });
  const picker = h("input", { type: "file", multiple: "", id: "file-picker", "aria-label": "选择文件" });
  const drop = h("div", { id: "drop" }, "把文件拖到这里，或 ", h("label", { for: "file-picker" }, "选择文件"), " ", picker,
    h("div", { class: "hint" }, "支持 PDF、TIFF、JPEG、PNG、DOCX、TXT，可一次选择多个文件"));
  const docsBody = h("tbody");
  const factsBox = h("div");
  const start = async (files) => {
    const jobs = [...files].map((f) => { const bar = h("progress", { max: 100, value: 0 }); const label = h("span");
      uploads.append(h("li", {}, f.name, " ", bar, " ", label)); return uploadFile(caseNumber, f, bar, label); });
    await Promise.all(jobs); refresh();
  };
  picker.addEventListener("change", () => start(picker.files));
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); start(e.dataTransfer.files); });
  async function refresh() {
    const docs = await api("/api/cases/" + encodeURIComponent(caseNumber) + "/documents");
    docsBody.replaceChildren(...docs.map((d) => h("tr", { "data-document": d.id },
      h("td", {}, d.status === "done" && d.page_count ? h("a", { href: `#/page/${d.id}/1` }, d.filename) : d.filename),
      h("td", {}, d.document_type || ""), h("td", {}, d.page_count ?? ""),
      h("td", { class: "status-" + d.status }, STATUS[d.status] || d.status, d.status === "processing" ? `（${STAGE[d.progress.stage] || ""}）` : ""),
      h("td", {}, h("progress", { max: 100, value: d.progress.percent, "aria-label": d.filename + " 处理进度" })),
      h("td", {}, d.error ? [errorBox(d.error), h("button", { onclick: async () => { await api(`/api/documents/${d.id}/retry`, { method: "POST" }); refresh(); } }, "重试")] : ""))));
    if (docs.some((d) => d.status === "done")) showFacts(caseNumber, factsBox);
    if (!docs.some((d) => d.status === "queued" || d.status === "processing")) clearInterval(pollTimer);
  }
  view.replaceChildren(
    h("section", { class: "card" }, h("h2", {}, kase.case_number, " ", h("small", {}, kase.title || "")),
      h("form", { onsubmit: (e) => { e.preventDefault(); location.hash = "#/search?q=" + encodeURIComponent(e.target.q.value) + "&case=" + encodeURIComponent(caseNumber); } },
        h("input", { name: "q", placeholder: "在本案中检索", "aria-label": "在本案中检索" }), " ", h("button", { type: "submit" }, "检索"))),
    h("section", { class: "card" }, h("h3", {}, "上传材料"), drop, uploads),
    h("section", { class: "card" }, h("h3", {}, "文件"), h("table", {}, h("thead", {}, h("tr", {}, ["文件", "类型", "页数", "状态", "进度", ""].map((t) => h("th", {}, t)))), docsBody)),
    h("section", { class: "card" }, h("h3", {}, "案件事实"), factsBox));
  await refresh();
  pollTimer = setInterval(refresh, 1500);
}

function evidenceLink(ev, text) {
  if (!ev || !ev.document_id || !ev.page) return text;
  return h("a", { href: `#/page/${ev.document_id}/${ev.page}?start=${ev.start}&end=${ev.end}` }, text);
}

async function showFacts(caseNumber, box) {
  const data = await api("/api/cases/" + encodeURIComponent(caseNumber) + "/facts");
  const f = data.facts || {};
  const defs = (f.defendants || []).map((d) => {
    const ev = d.evidence || {};
    const item = (label, value, e) => [h("dt", {}, label), h("dd", {}, value === null || value === undefined || value === "" ? "—" : evidenceLink(e, String(value)))];
    return h("dl", { class: "facts" },
      item("姓名", d.name, ev.name), item("性别", d.gender, ev.gender), item("出生日期", d.birth_date, ev.birth_date),
      item("民族", d.ethnicity, ev.ethnicity), item("身份证号", d.id_number, ev.id_number),
      item("罪名", (d.charges || []).join("、"), Array.isArray(ev.charges) ? ev.charges[0] : ev.charges));
  });
  const conflicts = (f.conflicts || []).map((c) => h("li", { class: "error" }, `${c.defendant || ""} ${c.field}：` + c.values.map((v) => JSON.stringify(v.value)).join(" / ")));
  box.replaceChildren(...(defs.length ? defs : [h("p", {}, "尚未提取到被告人信息。")]), conflicts.length ? h("div", {}, h("h4", {}, "不一致之处"), h("ul", {}, conflicts)) : "");
}

function highlighted(snippet, spans) {
  const out = []; let at = 0;
  for (const [s, e] of spans || []) { out.push(snippet.slice(at, s), h("mark", {}, snippet.slice(s, e))); at = e; }
  out.push(snippet.slice(at)); return out;
}

async function showSearch(params) {
  const q = params.get("q") || ""; const offset = Number(params.get("offset") || 0);
  document.getElementById("search-box").value = q;
  const qs = new URLSearchParams({ q, limit: 10, offset });
  for (const k of ["case", "charge", "document_type"]) if (params.get(k)) qs.set(k, params.get(k));
  view.replaceChildren(h("p", {}, "检索中…"));
  let res;
  try { res = await api("/api/search?" + qs); } catch (err) { view.replaceChildren(errorBox(err)); return; }
  const facetList = Object.entries(res.facets || {}).map(([name, counts]) => h("div", { class: "facets" }, h("strong", {}, { charge: "罪名", document_type: "文书类型", case_number: "案件", year: "年份" }[name] || name, "："),
    Object.entries(counts).map(([v, n]) => h("span", {}, `${v} (${n})`))));
  const hits = res.hits.map((hit) => h("div", { class: "hit" },
    h("a", { href: `#/page/${hit.document_id}/${hit.page}?q=${encodeURIComponent(q)}&spans=${encodeURIComponent(JSON.stringify(hit.spans))}` }, `${hit.filename} 第 ${hit.page} 页`),
    h("span", { class: "hint" }, "  ", hit.case_number), h("div", {}, highlighted(hit.snippet, hit.snippet_spans))));
  const nav = h("div", {},
    offset > 0 ? h("button", { onclick: () => { params.set("offset", Math.max(0, offset - 10)); location.hash = "#/search?" + params; } }, "上一页") : "",
    offset + 10 < res.total ? h("button", { onclick: () => { params.set("offset", offset + 10); location.hash = "#/search?" + params; } }, "下一页") : "");
  view.replaceChildren(h("section", { class: "card" }, h("p", {}, `「${q}」共找到 ${res.total} 处（${res.took_ms} 毫秒）`), facetList, hits, nav));
}

async function showPage(documentId, number, params) {
  let page;
  try { page = await api(`/api/documents/${documentId}/pages/${number}`); } catch (err) { view.replaceChildren(errorBox(err)); return; }
  const doc = await api(`/api/documents/${documentId}`);
  let spans = [];
  try { spans = JSON.parse(params.get("spans") || "[]"); } catch (_) { spans = []; }
  if (params.get("start")) spans.push([Number(params.get("start")), Number(params.get("end"))]);
  const wrap = h("div", { class: "page-wrap" });
  const textBox = h("div", { class: "page-text", "aria-label": "本页文字" });
  const marks = []; let at = 0;
  for (const [s, e] of [...spans].sort((a, b) => a[0] - b[0])) { if (s < at) continue; marks.push(page.text.slice(at, s), h("mark", {}, page.text.slice(s, e))); at = e; }
  marks.push(page.text.slice(at)); textBox.replaceChildren(...marks);
  if (page.width) {
    const img = h("img", { src: page.image_url, alt: `${doc.filename} 第 ${number} 页` });
    wrap.append(img);
    for (const [s, e] of spans) for (const line of page.lines) {
      const lo = Math.max(s, line.start), hi = Math.min(e, line.end);
      if (lo >= hi || line.end <= line.start) continue;
      const [x0, y0, x1, y1] = line.bbox; const n = line.end - line.start;
      const left = x0 + (x1 - x0) * (lo - line.start) / n, right = x0 + (x1 - x0) * (hi - line.start) / n;
      wrap.append(h("div", { class: "box", style: `left:${100 * left / page.width}%;top:${100 * y0 / page.height}%;width:${100 * (right - left) / page.width}%;height:${100 * (y1 - y0) / page.height}%` }));
    }
  }
  const nav = h("div", {},
    Number(number) > 1 ? h("a", { href: `#/page/${documentId}/${Number(number) - 1}` }, "上一页 ") : "",
    Number(number) < (doc.page_count || 0) ? h("a", { href: `#/page/${documentId}/${Number(number) + 1}` }, " 下一页") : "",
    "  ", h("a", { href: "#/case/" + encodeURIComponent(doc.case_number) }, "返回案件"), "  ", h("a", { href: `/api/documents/${documentId}/original` }, "下载原件"));
  view.replaceChildren(h("section", { class: "card" }, h("h2", {}, `${doc.filename} 第 ${number} / ${doc.page_count} 页`), h("p", { class: "hint" }, page.source === "ocr" ? "文字识别（OCR）" : "文字层"), nav),
    h("div", { class: "viewer" }, page.width ? wrap : "", textBox));
}

document.getElementById("search-form").addEventListener("submit", (e) => {
  e.preventDefault(); location.hash = "#/search?q=" + encodeURIComponent(document.getElementById("search-box").value);
});
window.addEventListener("hashchange", route);
route();
