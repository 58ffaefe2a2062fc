// Receiving agency: the inbox of transfers and the form review screen (accept, correct, return, export).
import { TRANSFER_STATUS, api, busy, caseHref, confirmDialog, errorBox, fill, fmtTime, h } from "./api.js";
import { evidenceHref } from "./cases.js";
import { handlerBlock } from "./deadlines.js";

const FIELD_STATUS = { filled: "已填", missing: "缺失", conflict: "冲突" };

export async function showInbox(view) {
  const items = await api("/api/transfers/inbox");
  const rows = items.map((t) => h("tr", { "data-transfer": t.id },
    h("td", {}, h("a", { href: `#/transfer/${t.id}` }, t.title)),
    h("td", {}, h("a", { href: caseHref(t.case_number) }, t.case_number)),
    h("td", {}, (t.defendants || []).filter(Boolean).join("、")),
    h("td", {}, t.from_agency), h("td", {}, fmtTime(t.created_at)),
    h("td", { class: "transfer-" + t.status }, TRANSFER_STATUS[t.status] || t.status)));
  fill(view, h("section", { class: "card" }, h("h2", {}, "收件箱"),
    items.length ? h("table", { id: "inbox" }, h("thead", {}, h("tr", {}, ["表单", "案号", "被告人", "移送单位", "移送时间", "状态"].map((t) => h("th", { scope: "col" }, t)))), h("tbody", {}, rows))
      : h("p", {}, "暂无移送来的材料。")));
}

function firstEvidence(ev) { return Array.isArray(ev) ? ev[0] : ev; }

function showValue(v) {
  if (v === null || v === undefined || v === "") return "—";
  // "；" between items: a selective charge holds 、 itself (掩饰、隐瞒犯罪所得、犯罪所得收益罪)
  if (Array.isArray(v)) return v.join("；");
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

const images = new Map();
function loadImage(url) {
  if (!images.has(url)) {
    images.set(url, new Promise((resolve, reject) => {
      const img = new Image();
      img.onload = () => resolve(img);
      img.onerror = reject;
      img.src = url;
    }));
  }
  return images.get(url);
}

/** A small picture of the page around the evidence box, linked to the page viewer. */
function evidenceThumb(ev) {
  const e = firstEvidence(ev);
  const href = evidenceHref(e);
  if (!href) return h("span", { class: "hint" }, "无出处");
  const canvas = h("canvas", { width: 260, height: 64, class: "thumb", role: "img", "aria-label": `出处：第 ${e.page} 页` });
  const box = e.boxes && e.boxes[0];
  if (box) {
    loadImage(`/api/documents/${e.document_id}/pages/${e.page}/image`).then((img) => {
      const [x0, y0, x1, y1] = box;
      // a crop with the canvas's aspect, centred on the box, with a line of context above and below
      const sh = Math.min(img.naturalHeight, (y1 - y0) * 3.2);
      const sw = Math.min(img.naturalWidth, Math.max(sh * (canvas.width / canvas.height), (x1 - x0) * 1.3));
      const sx = Math.min(Math.max(0, (x0 + x1) / 2 - sw / 2), img.naturalWidth - sw);
      const sy = Math.min(Math.max(0, (y0 + y1) / 2 - sh / 2), img.naturalHeight - sh);
      const scale = Math.min(canvas.width / sw, canvas.height / sh);
      const ctx = canvas.getContext("2d");
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(img, sx, sy, sw, sh, 0, 0, sw * scale, sh * scale);
      ctx.strokeStyle = "#e53e3e";
      ctx.lineWidth = 2;
      ctx.strokeRect((x0 - sx) * scale, (y0 - sy) * scale, (x1 - x0) * scale, (y1 - y0) * scale);
    }).catch(() => canvas.replaceWith(h("span", { class: "hint" }, "图像无法显示")));
  }
  const label = h("span", { class: "hint thumb-label" }, `第 ${e.page} 页`);
  // the page number alone does not say which of a case's documents it is in
  documentName(e.document_id).then((name) => { if (name) label.textContent = `${name} 第 ${e.page} 页`; });
  return h("a", { href, class: "thumb-link", title: "在页面上查看出处" }, box ? canvas : null, label);
}

const documentNames = new Map();
function documentName(id) {
  if (!documentNames.has(id)) {
    documentNames.set(id, api(`/api/documents/${id}`).then((d) => d.filename).catch(() => null));
  }
  return documentNames.get(id);
}

function fieldRow(transfer, formIndex, field, rerender, open) {
  const review = field.review;
  // the server records decisions as "accepted" / "corrected"
  const decision = review ? (String(review.decision).startsWith("correct") ? "correct" : "accept") : null;
  const status = review ? (decision === "accept" ? "已确认" : "已更正") : FIELD_STATUS[field.status] || field.status;
  const valueCell = h("td", { class: "value" }, showValue(field.value));
  if (decision === "correct") {
    fill(valueCell, h("del", {}, showValue(field.value)), " → ", h("ins", {}, showValue(review.value)),
      h("div", { class: "hint" }, "理由：", review.reason || ""));
  }
  if (field.status === "conflict" && field.candidates && field.candidates.length) {
    valueCell.append(h("div", { class: "candidates" }, "候选：", field.candidates.map((c, i) => {
      const href = evidenceHref(firstEvidence(c.evidence));
      return [i ? " / " : "", href ? h("a", { href }, showValue(c.value)) : showValue(c.value)];
    })));
  }
  for (const p of field.problems || []) valueCell.append(h("div", { class: "error" }, p.message || ""));
  const msg = h("div", { "aria-live": "polite" });
  const actions = h("td", { class: "actions no-print" });
  if (open) {
    const decide = async (body) => {
      fill(msg);
      try {
        rerender(await api(`/api/transfers/${transfer.id}/review`, { method: "POST", json: { form_index: formIndex, field: field.name, ...body } }));
        // the screen is drawn anew: the focus goes on to the next field, not to the page body
        const row = document.querySelector(`tr[data-form="${formIndex}"][data-field="${field.name}"]`);
        const next = row && row.nextElementSibling;
        const target = (next && next.querySelector("button")) || (row && row.querySelector("button"));
        if (target) target.focus();
      } catch (err) { fill(msg, errorBox(err)); }
    };
    const id = `f${formIndex}-${field.name}`;
    // A list (charges) is edited one item per line: a selective charge holds 、 itself, so
    // splitting at 、 broke it into pieces the server could only refuse (issue #18).
    const isList = Array.isArray(field.value) || String(field.type || "").includes("list");
    const current = field.value === null || field.value === undefined ? "" : isList && Array.isArray(field.value) ? field.value.join("\n") : showValue(field.value) === "—" ? "" : showValue(field.value);
    const corrected = isList
      ? h("textarea", { id: id + "-value", rows: 3, cols: 24, placeholder: "每行一个" })
      : h("input", { id: id + "-value", size: 16, type: field.type === "date" ? "date" : "text", value: current });
    if (isList) corrected.value = current;
    const reason = h("input", { id: id + "-reason", size: 16, placeholder: "必填" });
    const correctForm = h("form", { class: "correct", hidden: true, onsubmit: (e) => {
      e.preventDefault();
      const raw = corrected.value.trim();
      const value = isList ? raw.split(/\n/).map((s) => s.trim()).filter(Boolean) : raw;
      decide({ decision: "correct", value, reason: reason.value.trim() });
    } }, h("label", { for: id + "-value" }, "更正为"), corrected, h("label", { for: id + "-reason" }, "理由"), reason,
    h("button", { type: "submit", class: "primary" }, "保存更正"));
    // append() writes a null as the text "null": only nodes go in
    actions.append(...[
      field.status === "filled" ? h("button", { type: "button", class: "accept-field", onclick: () => decide({ decision: "accept" }) }, "确认") : null,
      h("button", { type: "button", class: "correct-field", "aria-expanded": "false", onclick: (e) => {
        correctForm.hidden = !correctForm.hidden;
        e.target.setAttribute("aria-expanded", String(!correctForm.hidden));
        if (!correctForm.hidden) corrected.focus();
      } }, "更正"), correctForm, msg].filter(Boolean));
  }
  return h("tr", { "data-field": field.name, "data-source": field.source || "", "data-form": formIndex, class: "field-" + (decision || field.status) },
    h("th", { scope: "row" }, field.label || field.name, field.required ? h("span", { class: "req", title: "必填" }, "*") : null),
    valueCell, h("td", { class: "status" }, status), h("td", { class: "evidence" }, evidenceThumb(field.evidence)), actions);
}

export async function showReview(view, transferId) {
  const render = (t, records = []) => {
    const open = t.status === "pending";
    const msg = h("div", { id: "review-msg", "aria-live": "polite" });
    const forms = t.forms.map((form, i) => h("section", { class: "card form-sheet" },
      h("h3", {}, form.title || t.title, form.defendant ? `（${form.defendant}）` : ""),
      h("table", { class: "review" }, h("thead", {}, h("tr", {}, ["项目", "内容", "状态", "出处"].map((c) => h("th", { scope: "col" }, c)), h("th", { scope: "col", class: "no-print" }, "审核"))),
        h("tbody", {}, form.fields.map((f) => fieldRow(t, i, f, (next) => render(next), open))))));
    const reasons = h("textarea", { id: "return-reasons", rows: 3, cols: 50, placeholder: "每行一条理由" });
    const actions = open ? h("section", { class: "card no-print", id: "review-actions" },
      h("button", { type: "button", class: "primary", id: "accept-form", onclick: (e) => busy(e.currentTarget, async () => {
        fill(msg);
        // Accepting locks the form: say how many fields nobody has looked at (issue #18).
        const fields = t.forms.flatMap((form) => form.fields);
        const open = fields.filter((f) => !f.review);
        const required = open.filter((f) => f.required);
        if (open.length) {
          const ok = await confirmDialog({
            id: "accept-confirm", title: "确认接收表单", ok: "仍然接收", cancel: "继续审核",
            body: h("p", {}, `共 ${fields.length} 个字段，还有 ${open.length} 个未审核（其中必填 ${required.length} 个）。接收后表单锁定，不能再更正。`),
          });
          if (!ok) return;
        }
        try { const res = await api(`/api/transfers/${t.id}/accept`, { method: "POST" }); render(res.transfer, res.records); }
        catch (err) { fill(msg, errorBox(err)); }
      }) }, "接收表单"),
      h("form", { class: "return-form", onsubmit: async (e) => {
        e.preventDefault();
        fill(msg);
        const list = reasons.value.split("\n").map((s) => s.trim()).filter(Boolean);
        if (!list.length) { fill(msg, errorBox({ message: "请填写退回理由。", hint: "每行一条。" })); return; }
        try { render(await api(`/api/transfers/${t.id}/return`, { method: "POST", json: { reasons: list } })); }
        catch (err) { fill(msg, errorBox(err)); }
      } }, h("label", { for: "return-reasons" }, "退回理由"), reasons, h("button", { type: "submit" }, "退回")), msg) : null;
    const recordLinks = records.length ? h("section", { class: "card", id: "records" }, h("h3", {}, "已接收的表单"),
      h("ul", {}, records.map((r) => h("li", {}, `${r.defendant || ""} 第 ${r.version} 版 `,
        h("a", { href: r.pdf_url, download: "", class: "pdf-link" }, "导出 PDF"))))) : null;
    fill(view, 
      h("section", { class: "card" }, h("h2", {}, t.title),
        h("dl", { class: "facts" },
          h("dt", {}, "案号"), h("dd", {}, h("a", { href: caseHref(t.case_number) }, t.case_number)),
          h("dt", {}, "移送单位"), h("dd", {}, t.from_agency, `（${t.created_by}，${fmtTime(t.created_at)}）`),
          h("dt", {}, "接收单位"), h("dd", {}, t.to_agency),
          h("dt", {}, "状态"), h("dd", { id: "transfer-status" }, TRANSFER_STATUS[t.status] || t.status, t.decided_by ? `（${t.decided_by}，${fmtTime(t.decided_at)}）` : ""),
          t.note ? [h("dt", {}, "备注"), h("dd", {}, t.note)] : null,
          t.return_reasons && t.return_reasons.length ? [h("dt", {}, "退回理由"), h("dd", {}, t.return_reasons.join("；"))] : null),
        h("div", { class: "no-print inline" }, h("button", { type: "button", onclick: () => window.print() }, "打印"))),
      // once taken in, the receiving agency assigns its handler (承办人) for its stage of the case
      t.status === "accepted" ? h("section", { class: "card" }, handlerBlock(t.case_number)) : null,
      recordLinks, ...forms, actions);
  };
  const t = await api(`/api/transfers/${transferId}`);
  let records = [];
  if (t.status === "accepted") {
    records = (await api(`/api/cases/${encodeURIComponent(t.case_number)}/form-records`).catch(() => [])).filter((r) => r.transfer_id === t.id);
  }
  render(t, records);
}
