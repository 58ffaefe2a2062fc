// Page viewer: the scanned page image with hit/evidence boxes drawn over it, and the page's text.
import { api, caseHref, errorBox, fill, h } from "./api.js";
import { highlighted } from "./search.js";

function parseJSON(text, fallback) {
  try { const v = JSON.parse(text); return Array.isArray(v) ? v : fallback; } catch (_) { return fallback; }
}

/** Boxes for character spans, from the page's lines (used when the link carries no boxes). */
export function boxesForSpans(page, spans) {
  const boxes = [];
  for (const [s, e] of spans) {
    for (const line of page.lines || []) {
      const lo = Math.max(s, line.start), hi = Math.min(e, line.end);
      if (lo >= hi || line.end <= line.start) continue;
      const [x0, y0, x1, y1] = line.bbox;
      const n = line.end - line.start;
      boxes.push([x0 + ((x1 - x0) * (lo - line.start)) / n, y0, x0 + ((x1 - x0) * (hi - line.start)) / n, y1]);
    }
  }
  return boxes;
}

/** Where a box sits on the page, in percent of the page size (so it scales with the image). */
const placed = (page, x0, y0, x1, y1) => ({
  left: `${(100 * x0) / page.width}%`, top: `${(100 * y0) / page.height}%`,
  width: `${(100 * (x1 - x0)) / page.width}%`, height: `${(100 * (y1 - y0)) / page.height}%`,
});

/** An image of the page with boxes placed in percent of the page size (so it scales with the image). */
export function pageFigure(page, boxes, alt) {
  const wrap = h("div", { class: "page-wrap" });
  const img = h("img", { src: page.image_url, alt, id: "page-image" });
  // a page the server would not render (render_limit_exceeded, render_busy): say why in words
  img.addEventListener("error", () => {
    api(page.image_url).catch((err) => wrap.prepend(errorBox(err)));
  }, { once: true });
  wrap.append(img);
  for (const box of boxes) {
    // numbers only: the boxes may come from the address bar
    const [x0, y0, x1, y1] = Array.isArray(box) ? box.map(Number) : [];
    if (![x0, y0, x1, y1].every(Number.isFinite)) continue;
    wrap.append(h("div", { class: "box", "data-box": JSON.stringify([x0, y0, x1, y1]),
      style: placed(page, x0, y0, x1, y1) }));
  }
  return wrap;
}

const reviewCount = (page) => (page.lines || []).filter((l) => l.needs_review).length;

/** Dashed outlines on the lines OCR was unsure of, so a person checks them against the scan. */
function withReviewMarks(wrap, page) {
  for (const line of page.lines || []) {
    if (!line.needs_review) continue;
    const [x0, y0, x1, y1] = line.bbox.map(Number);
    wrap.append(h("div", { class: "review-line", title: `识别把握不足（${Math.round(100 * line.confidence)}%）`,
      style: placed(page, x0, y0, x1, y1) }));
  }
  return wrap;
}

/** Where the words of a query stand in a page's text (for pages turned to from a hit). */
export function termSpans(text, q) {
  const terms = (q || "").replace(/["“”()（）]/g, " ").split(/\s+/)
    .filter((t) => t && !["AND", "OR", "NOT"].includes(t) && !t.startsWith("-"));
  const spans = [];
  for (const term of terms) {
    for (let at = text.indexOf(term); at >= 0; at = text.indexOf(term, at + term.length)) spans.push([at, at + term.length]);
  }
  return spans;
}

const view_ = { zoom: 1, turn: 0 };  // kept while paging through one document

export async function showPage(view, documentId, number, params) {
  const [page, doc] = await Promise.all([api(`/api/documents/${documentId}/pages/${number}`), api(`/api/documents/${documentId}`)]);
  const spans = parseJSON(params.get("spans") || "[]", []);
  if (params.get("start")) spans.push([Number(params.get("start")), Number(params.get("end"))]);
  // turned to from a hit: the query's words are marked on this page too
  if (!spans.length && params.get("q")) spans.push(...termSpans(page.text || "", params.get("q")));
  let boxes = parseJSON(params.get("boxes") || "[]", []);
  if (!boxes.length && spans.length && page.width) boxes = boxesForSpans(page, spans);
  const n = Number(number);
  const keep = new URLSearchParams(params);
  // paging keeps the query and the way back to the results (with their filters)
  const carry = new URLSearchParams();
  for (const k of ["q", "back"]) if (keep.get(k)) carry.set(k, keep.get(k));
  const pageHref = (m) => `#/page/${documentId}/${m}` + (carry.toString() ? `?${carry}` : "");
  const back = keep.get("back") || (keep.get("q") ? new URLSearchParams({ q: keep.get("q") }).toString() : "");
  const nav = h("nav", { class: "inline", "aria-label": "翻页" },
    n > 1 ? h("a", { href: pageHref(n - 1) }, "上一页") : null,
    h("span", {}, `第 ${n} / ${doc.page_count} 页`),
    n < (doc.page_count || 0) ? h("a", { href: pageHref(n + 1) }, "下一页") : null,
    h("a", { href: caseHref(doc.case_number) }, "返回案件"),
    back ? h("a", { href: "#/search?" + back, id: "back-to-results" }, "返回检索结果") : null,
    h("a", { href: `/api/documents/${documentId}/original` }, "下载原件"),
    (doc.pages || []).some((p) => p.source === "ocr")
      ? h("a", { href: `/api/documents/${documentId}/searchable.pdf` }, "下载可检索 PDF") : null);
  const text = h("div", { class: "page-text", id: "page-text", tabindex: "0", "aria-label": "本页文字" }, highlighted(page.text || "", spans));
  const figure = page.width ? withReviewMarks(pageFigure(page, boxes, `${doc.filename} 第 ${n} 页`), page) : null;
  const apply = () => {
    if (!figure) return;
    figure.style.setProperty("--zoom", String(view_.zoom));
    figure.style.transform = view_.turn ? `rotate(${view_.turn}deg)` : "";
    figure.classList.toggle("turned", view_.turn % 180 !== 0);
  };
  const tool = (label, id, act) => h("button", { type: "button", id, onclick: () => { act(); apply(); } }, label);
  const tools = figure ? h("div", { class: "inline viewer-tools", role: "toolbar", "aria-label": "页面图像" },
    tool("放大", "zoom-in", () => { view_.zoom = Math.min(3, view_.zoom * 1.25); }),
    tool("缩小", "zoom-out", () => { view_.zoom = Math.max(0.5, view_.zoom / 1.25); }),
    tool("向右旋转", "rotate", () => { view_.turn = (view_.turn + 90) % 360; }),
    tool("复原", "reset-view", () => { view_.zoom = 1; view_.turn = 0; })) : null;
  apply();
  fill(view, 
    h("section", { class: "card" }, h("h2", {}, `${doc.filename}`),
      h("p", { class: "hint" }, page.source === "ocr" ? "文字来源：文字识别（OCR）" : page.source === "text-layer" ? "文字来源：文字层" : "", boxes.length ? `；标出 ${boxes.length} 处` : "",
        reviewCount(page) ? `；${reviewCount(page)} 行识别把握不足，已用虚线框标出，请对照原图核对` : ""), nav),
    tools,
    h("div", { class: "viewer" }, figure ? h("div", { class: "page-scroll" }, figure) : h("p", { class: "hint" }, "此文件没有页面图像。"), text));
  const first = view.querySelector(".box");
  if (first) first.scrollIntoView({ block: "center" });
  const mark = text.querySelector("mark");
  if (mark) mark.scrollIntoView({ block: "nearest" });
}
