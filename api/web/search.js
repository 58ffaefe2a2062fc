// Prosecutor search: query, filters, facets with counts, highlighted snippets, pagination.
import { api, caseHref, errorBox, fill, h } from "./api.js";

const PAGE_SIZE = 10;
const FACET_NAMES = { case_number: "案件", document_type: "文书类型", charge: "罪名", defendant: "被告人", year: "年份" };
const FACET_PARAM = { case_number: "case", document_type: "document_type", charge: "charge", defendant: "defendant" };
const FILTERS = ["case", "document_type", "charge", "defendant", "date_from", "date_to"];

export function highlighted(text, spans) {
  const out = [];
  let at = 0;
  for (const [s, e] of [...(spans || [])].sort((a, b) => a[0] - b[0])) {
    if (s < at) continue;
    out.push(text.slice(at, s), h("mark", {}, text.slice(s, e)));
    at = e;
  }
  out.push(text.slice(at));
  return out;
}

function go(params) {
  for (const [k, v] of [...params]) if (!v) params.delete(k);
  location.hash = "#/search?" + params;
}

export function hitHref(hit, q, back) {
  const p = new URLSearchParams({ q: q || "", spans: JSON.stringify(hit.spans || []), boxes: JSON.stringify(hit.boxes || []) });
  if (back) p.set("back", back);
  return `#/page/${hit.document_id}/${hit.page}?${p}`;
}

let typesCache = null;
// 文书类型 is a choice among the standard types, not free text (issue #18)
function typeChoice(current) {
  const select = h("select", { id: "f-document_type", name: "document_type" }, h("option", { value: "" }, "全部"),
    current ? h("option", { value: current, selected: true }, current) : null);
  if (!typesCache) typesCache = api("/api/ui/document-types").catch(() => []);
  typesCache.then((types) => {
    for (const t of types) if (t !== current) select.append(h("option", { value: t }, t));
  });
  return [h("label", { for: "f-document_type" }, "文书类型"), select];
}

export async function showSearch(view, params) {
  const q = params.get("q") || "";
  const offset = Number(params.get("offset") || 0);
  const input = (name, label, attrs = {}) => [h("label", { for: "f-" + name }, label),
    h("input", { id: "f-" + name, name, value: params.get(name) || "", ...attrs })];
  const form = h("form", { class: "search-form card", role: "search", onsubmit: (e) => {
    e.preventDefault();
    const next = new URLSearchParams(new FormData(e.target));
    next.delete("offset");
    go(next);
  } },
  h("div", { class: "search-line" }, h("label", { for: "f-q", class: "sr-only" }, "检索词"),
    h("input", { id: "f-q", name: "q", type: "search", value: q, size: 50, placeholder: "输入人名、身份证号、罪名或原文片段" }),
    h("button", { type: "submit", class: "primary" }, "检索")),
  h("div", { class: "inline filters" },
    input("case", "案号", { size: 24 }), typeChoice(params.get("document_type") || ""), input("charge", "罪名", { size: 10 }),
    input("date_from", "日期自", { type: "date" }), input("date_to", "至", { type: "date" }),
    h("button", { type: "button", onclick: () => go(new URLSearchParams({ q })) }, "清除筛选")));
  const results = h("div", { id: "results" });
  fill(view, form, results);
  const box = form.querySelector("#f-q");
  // A query the server refuses keeps the form and the query: the reason stands beside the box
  // (an invalid query used to replace the whole page with an error).
  const queryError = (err) => {
    const note = h("div", { id: "q-error", role: "alert" }, errorBox(err));
    form.querySelector(".search-line").after(note);
    box.setAttribute("aria-invalid", "true");
    box.setAttribute("aria-describedby", "q-error");
    fill(results);
    box.focus();
  };
  if (q && !q.trim()) {
    queryError({ message: "检索词只有空格。", hint: "请输入要查找的人名、身份证号、罪名或原文片段。" });
    return;
  }
  if (!q && !FILTERS.some((k) => params.get(k))) {
    fill(results, h("p", { class: "hint card" }, "输入检索词，或按案件、文书类型、罪名、日期筛选。"));
    box.focus();
    return;
  }
  const qs = new URLSearchParams({ q, limit: PAGE_SIZE, offset });
  for (const k of FILTERS) if (params.get(k)) qs.set(k, params.get(k));
  fill(results, h("p", {}, "检索中…"));
  let res;
  try { res = await api("/api/search?" + qs); }
  catch (err) {
    if (err.status === 401) throw err;  // signed out: the router shows the sign-in page
    queryError(err);
    return;
  }
  // The 案件 facet counts by the case number's one spelling for filters (round brackets); it is
  // shown as the hits spell it (〔2026〕), the filter keeps the folded value (issue #18)
  const canon = (s) => String(s).normalize("NFKC").replace(/\s+/g, "").replace(/[(\[〔【［]/g, "（").replace(/[)\]〕】］]/g, "）");
  const spelled = new Map(res.hits.map((hit) => [canon(hit.case_number), hit.case_number]));
  const facets = Object.entries(res.facets || {}).filter(([, counts]) => counts && Object.keys(counts).length).map(([name, counts]) =>
    h("div", { class: "facet" }, h("h4", {}, FACET_NAMES[name] || name),
      h("ul", {}, Object.entries(counts).map(([value, n]) => {
        const next = new URLSearchParams(params);
        next.delete("offset");
        let active;
        if (name === "year" && /^\d{4}$/.test(value)) {
          // a year is a date range
          active = params.get("date_from") === `${value}-01-01` && params.get("date_to") === `${value}-12-31`;
          if (active) { next.delete("date_from"); next.delete("date_to"); } else { next.set("date_from", `${value}-01-01`); next.set("date_to", `${value}-12-31`); }
        } else {
          const param = FACET_PARAM[name];
          if (!param) return h("li", {}, `${value} `, h("span", { class: "count" }, n));
          active = params.get(param) === value;
          if (active) next.delete(param); else next.set(param, value);
        }
        return h("li", {}, h("a", { href: "#/search?" + next, class: active ? "facet-on" : "", "aria-pressed": active ? "true" : "false" },
          name === "case_number" ? spelled.get(value) || value : value, " ", h("span", { class: "count" }, n)));
      }))));
  const hits = res.hits.map((hit) => h("article", { class: "hit" },
    h("a", { class: "hit-link", href: hitHref(hit, q, params.toString()) }, `${hit.filename} 第 ${hit.page} 页`),
    " ", h("a", { class: "hint", href: caseHref(hit.case_number) }, hit.case_number),
    h("p", { class: "snippet" }, highlighted(hit.snippet || "", hit.snippet_spans))));
  const page = Math.floor(offset / PAGE_SIZE) + 1;
  const pages = Math.max(1, Math.ceil(res.total / PAGE_SIZE));
  const to = (o) => { const n = new URLSearchParams(params); n.set("offset", o); return "#/search?" + n; };
  const nav = h("nav", { class: "pager", "aria-label": "翻页" },
    offset > 0 ? h("a", { href: to(Math.max(0, offset - PAGE_SIZE)) }, "上一页") : null,
    h("span", {}, ` 第 ${page} / ${pages} 页 `),
    offset + PAGE_SIZE < res.total ? h("a", { href: to(offset + PAGE_SIZE) }, "下一页") : null);
  // The hits come first in the page's order (the facets are placed beside them by CSS), and the
  // focus goes to the count: the next Tab reaches the first hit, not 20 facet links later.
  fill(results, h("div", { class: "search-body" },
    h("section", { class: "card hits" }, h("p", { id: "result-count", tabindex: "-1" }, `「${q}」共找到 ${res.total} 处（${res.took_ms} 毫秒）`),
      res.approximate ? h("p", { id: "approximate-note", class: "hint" },
        "没有完全一致的结果；以下是相差一个字的近似结果（扫描件识别可能有误），请核对原件。") : null,
      hits.length ? hits : h("p", {}, "没有找到。请换个说法，或去掉筛选条件。"), nav),
    h("aside", { class: "card facets", "aria-label": "分面" }, facets.length ? facets : h("p", { class: "hint" }, "无分面"))));
  if (q) results.querySelector("#result-count").focus();
}
