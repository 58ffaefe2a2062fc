"""Facts about one defendant read from their party paragraph.

``read_person(text, lo, hi)`` returns a :class:`PersonFacts` with gender, birth date, ethnicity,
ID number (checked), prior convictions, administrative penalties, probation status and custody
events (coercive measures of this case, in written order, relative dates resolved).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import regex

from nlp.charges import lexicon, link_charge, nearest_charge
from nlp.dates import DateMention, scan_dates
from nlp.found import Found
from nlp.han import HAN
from nlp.idcard import ID_RE, check_id

ETHNICITIES = (
    "汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 "
    "纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 "
    "鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
).split()
_ETH_RE = regex.compile(
    rf"(?<![{HAN}])(" + "|".join(sorted(ETHNICITIES, key=len, reverse=True)) + r")族"
    r"|[，,](" + "|".join(sorted(ETHNICITIES, key=len, reverse=True)) + r")族"
)
_GENDER_RE = regex.compile(r"(?:^|[，,（(：:])\s*(男|女)(?:性)?(?=[，,。；）)])")

# A charge runs to the first 罪, except the 罪 of a 犯罪 inside its name (帮助信息网络犯罪活动罪,
# 掩饰、隐瞒犯罪所得罪, 传授犯罪方法罪): there the name goes on to the next 罪.
_CONTINUES = rf"[{HAN}、]{{1,14}}?罪"


def charge_name(max_len: int, exclude: str = "，。；：:（()）“”") -> str:
    """Regex for one written charge name of up to ``max_len`` characters before its final 罪."""
    body = rf"(?:[^{exclude}罪]|(?<=犯)罪(?={_CONTINUES})|[（(][边境][）)])"
    return rf"(?:{body}{{1,{max_len}}}?(?<!犯)罪|{body}{{1,{max_len}}}?犯罪(?!{_CONTINUES}))"


CHARGE_TEXT_RE = regex.compile(rf"犯(?!罪)({charge_name(40)})(?:[、和及]({charge_name(30)}))*")


def split_charge_list(s: str) -> list[str]:
    """"强奸罪、抢劫罪" → two charges; "生产、销售有毒、有害食品罪" stays one."""
    if s in lexicon().official:  # 拒绝提供间谍犯罪、恐怖主义犯罪、极端主义犯罪证据罪 is one charge
        return [s]
    parts = regex.split(r"(?<=罪)[、和及与]", s)
    return [p for p in parts if p.endswith("罪") and len(p) >= 3]


@dataclass
class PersonFacts:
    """What a party paragraph says about one defendant (values with their spans)."""

    gender: Found | None = None
    birth_date: Found | None = None
    ethnicity: Found | None = None
    id_number: Found | None = None
    id_problems: list[str] = field(default_factory=list)
    prior_convictions: list[dict[str, Found | None]] = field(default_factory=list)
    administrative_penalties: list[dict[str, Found | None]] = field(default_factory=list)
    on_probation: Found | None = None
    custody_events: list[dict[str, Found]] = field(default_factory=list)
    address: Found | None = None
    registered_residence: Found | None = None


def _clauses(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    out = []
    start = lo
    for m in regex.finditer(r"[，,。；;]", text[lo:hi]):
        end = lo + m.start()
        if end > start:
            out.append((start, end))
        start = lo + m.end()
    if hi > start:
        out.append((start, hi))
    return out


def _sentences(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    out = []
    start = lo
    for m in regex.finditer(r"[。；;]", text[lo:hi]):
        out.append((start, lo + m.start()))
        start = lo + m.end()
    if hi > start:
        out.append((start, hi))
    return [s for s in out if s[1] > s[0]]


_BIRTH_RE = regex.compile(r"(出生|生于|生|出世)")


def _birth_date(text: str, lo: int, hi: int, dates: list[DateMention]) -> Found | None:
    for d in dates:
        if d.relative or d.start < lo or d.start >= hi:
            continue
        after = text[d.end: d.end + 3]
        before = text[max(lo, d.start - 2): d.start]
        # "1990年10月9日（户籍登记为1989年11月29日）出生": the first date is the one stated.
        after = regex.sub(r"^[（(][^）)]{0,30}[）)]", "", after + text[d.end + 3: d.end + 40])
        if after.startswith(("出生", "生", "日生")) or before.endswith(("生于", "出生于")):
            return Found(d.iso, d.start, d.end, 0.95)
    return None


_CUSTODY = (
    (regex.compile(r"指定居所监视居住"), "指定居所监视居住"),
    (regex.compile(r"监视居住"), "监视居住"),
    (regex.compile(r"取保候审"), "取保候审"),
    (regex.compile(r"刑事拘留|刑拘|(?<!行政)(?<!司法)(?<!治安)拘留(?!所|证)"), "刑事拘留"),
    # A request for approval (提请批准逮捕, and the time to make it) or a refusal is no arrest.
    (regex.compile(r"(?<!提请批准)(?<!审查批准)(?<!提请)(?<!不批准)(?<!不予批准)逮捕(?![的之]?(?:时间|期限))"), "逮捕"),
    (regex.compile(r"拘传"), "拘传"),
    (regex.compile(r"留置"), "其他"),
    # 羁押 is an event only when someone is put there ("被羁押", "临时羁押于"), not
    # "停止计算羁押期限" / "恢复羁押" / "现羁押于".
    (regex.compile(r"(?:被|临时|予以|先行|送)羁押(?!期)"), "羁押"),
)
_ADMIN_RE = regex.compile(
    r"行政拘留|强制隔离戒毒|强制戒毒|劳动教养|收容教育|收容教养|社区戒毒|罚款|治安拘留|司法拘留"
)
# "被判有期徒刑一年", "被判刑": a judgment without 处 is a prior all the same.
_SHORT_SENTENCE = r"被?判刑|被判(?=有期徒刑|拘役|管制|无期徒刑|死刑|死缓)"
_PRIOR_TRIGGER_RE = regex.compile(
    rf"判处|判决|免予刑事处罚|免于刑事处罚|决定执行|单处罚金|被处罚金|{_SHORT_SENTENCE}"
)
_SENT_CONT_RE = regex.compile(r"^(?:并处|并|缓刑|剥夺|没收|附加|罚金|决定执行|执行|合并)")
_THIS_CASE_RE = regex.compile(r"因本案|因涉嫌|涉嫌")
_PRIOR_CHARGE_RE = regex.compile(
    rf"(?:因?犯(?!罪)|以|因)({charge_name(40)}(?:[、和及]{charge_name(30, '，。；：:（()）“”、')})*)"
)
_NOT_A_NEW_MEASURE_RE = regex.compile(r"(?:违反|解除|撤销|在)$")
_NOT_EXECUTED_RE = regex.compile(r"未予?收押|不能执行|未能执行|未执行|未羁押")


_PLACE = rf"([{HAN}A-Za-z0-9\-－—×Xx＊*#＃·]{{3,60}}?)(?=[，,。；;（(]|$)"
# "住武汉市蔡甸区", "现住…", "暂住…", "住所地…"; not "居住" in a sentence about the crime.
_ADDRESS_RE = regex.compile(
    rf"(?:(?<![居入])住(?:所地|址)?|现住址?|暂住地?|现居住地?|居住地)(?:均为|为|[：:于在])?{_PLACE}"
)
_RESIDENCE_RE = regex.compile(rf"户籍(?:所在地|地|登记地)?(?:[：:为在系]|均为)?{_PLACE}")
# "户籍地和居住地为长汀县": one place for both.
_BOTH_RE = regex.compile(rf"户籍(?:所在地|地)?[和及、与](?:现)?(?:居住地|住所地|住址|住地)(?:均为|为|[：:在])?{_PLACE}")


def _place(pattern: regex.Pattern[str], text: str, lo: int, hi: int) -> Found | None:
    m = pattern.search(text, lo, hi)
    if m is None or not regex.search(r"[省市县区州旗镇乡村街路号组]", m.group(1)):
        return None
    return Found(m.group(1), m.start(1), m.end(1), 0.85)


def read_person(text: str, lo: int, hi: int, name_end: int) -> PersonFacts:
    """Read one party paragraph ``text[lo:hi]``; ``name_end`` is where the name ends."""
    facts = PersonFacts()
    dates = list(scan_dates(text[lo:hi]))
    dates = [DateMention(d.start + lo, d.end + lo, d.iso, d.relative) for d in dates]
    head_hi = min(hi, name_end + 120)
    g = _GENDER_RE.search(text, name_end, head_hi)
    if g:
        facts.gender = Found(g.group(1), g.start(1), g.end(1), 0.95)
    facts.birth_date = _birth_date(text, name_end, hi, dates)
    e = _ETH_RE.search(text, name_end, head_hi)
    if e:
        grp = 1 if e.group(1) else 2
        facts.ethnicity = Found(e.group(grp) + "族", e.start(grp), e.end(grp) + 1, 0.95)
    idm = ID_RE.search(text, name_end, hi)
    if idm:
        check = check_id(
            idm.group(1),
            facts.birth_date.value if facts.birth_date else None,
            facts.gender.value if facts.gender else None,
        )
        facts.id_problems = check.problems
        facts.id_number = Found(check.number, idm.start(1), idm.end(1), 0.95 if check.valid else 0.5)
        if facts.birth_date is None and check.birth_date:
            facts.birth_date = Found(check.birth_date, idm.start(1), idm.end(1), 0.8)
        if facts.gender is None and check.gender and "check_char" not in check.problems:
            facts.gender = Found(check.gender, idm.start(1), idm.end(1), 0.7)
    # The address comes before the paragraph's history (priors, custody), which has its own places.
    history = regex.search(r"曾因|因(?:犯|涉嫌|本案)|\d{4}年\d{1,2}月\d{1,2}日因", text[name_end:hi])
    place_hi = name_end + history.start() if history else hi
    both = _place(_BOTH_RE, text, name_end, place_hi)
    facts.address = both or _place(_ADDRESS_RE, text, name_end, place_hi)
    facts.registered_residence = both or _place(_RESIDENCE_RE, text, name_end, place_hi)
    _read_history(text, name_end, hi, dates, facts)
    facts.prior_convictions = distinct_priors(facts.prior_convictions)
    facts.on_probation = find_probation_offence(text, lo, hi)
    return facts


_IN_PROBATION_RE = regex.compile(r"缓刑考验期(?:限)?内|撤销[^。；，]{0,20}缓刑")
_OFFENCE_AFTER_RE = regex.compile(r"^[^。；]{0,12}?(?:又犯|再犯|犯|实施|违反|发现|故意|重新|涉嫌)")
_CONDITION_BEFORE_RE = regex.compile(r"(?:禁止|应当遵守|应遵守|依法实行|接受|服从)[^。；]{0,16}$")


def find_probation_offence(text: str, lo: int, hi: int) -> Found | None:
    """Find where ``text[lo:hi]`` says an offence fell in a 缓刑考验期, or a 缓刑 is revoked.

    Conditions attached to a new probation ("禁止被告人在缓刑考验期限内进入…") do not count.
    """
    for m in _IN_PROBATION_RE.finditer(text, lo, hi):
        if m.group(0).startswith("撤销"):
            return Found(True, m.start(), m.end(), 0.85)
        before = text[max(lo, m.start() - 18): m.start()]
        if _CONDITION_BEFORE_RE.search(before):
            continue
        # "…在缓刑考验期内又犯…" or "现仍在缓刑考验期内".
        if _OFFENCE_AFTER_RE.search(text[m.end(): m.end() + 16]) or before.endswith(
            ("仍在", "尚在", "现在", "系在", "正在")
        ):
            return Found(True, m.start(), m.end(), 0.9)
    return None


def _date_before(dates: list[DateMention], lo: int, pos: int) -> DateMention | None:
    best = None
    for d in dates:
        if lo <= d.start < pos:
            best = d
    return best


def _read_history(text: str, lo: int, hi: int, dates: list[DateMention], facts: PersonFacts) -> None:
    for s_lo, s_hi in _sentences(text, lo, hi):
        sentence = text[s_lo:s_hi]
        trigger = _PRIOR_TRIGGER_RE.search(sentence)
        # A judgment named before any "涉嫌/因本案" is an earlier case.
        is_prior = trigger is not None and not _THIS_CASE_RE.search(sentence[: trigger.start()])
        if is_prior:
            # "…刑满释放，因涉嫌犯盗窃罪于…被刑事拘留": the tail is about this case.
            last_trigger = list(_PRIOR_TRIGGER_RE.finditer(sentence))[-1]
            tail = _THIS_CASE_RE.search(sentence, last_trigger.end())
            split = s_lo + tail.start() if tail else s_hi
            _read_priors(text, s_lo, split, dates, facts)
            if not tail:
                continue
            s_lo = split
            sentence = text[s_lo:s_hi]
        last_date: DateMention | None = None
        for c_lo, c_hi in _clauses(text, s_lo, s_hi):
            clause = text[c_lo:c_hi]
            in_clause = [d for d in dates if c_lo <= d.start < c_hi]
            if in_clause:
                last_date = in_clause[-1]
            admin = _ADMIN_RE.search(clause)
            if admin:
                ds: list[DateMention | None] = [
                    d for d in in_clause if d.end <= c_lo + admin.start()
                ] or ([last_date] if last_date else [None])
                for d in ds:
                    facts.administrative_penalties.append({
                        "date": Found(d.iso, d.start, d.end, 0.85) if d else None,
                        "penalty": Found(admin.group(0), c_lo + admin.start(), c_lo + admin.end(), 0.9),
                    })
                continue
            hits: list[tuple[regex.Match[str], str]] = []
            for pattern, measure in _CUSTODY:
                for hit in pattern.finditer(clause):
                    # "违反取保候审规定", "在监视居住期间", "解除取保候审" name a measure, not a new one.
                    if _NOT_A_NEW_MEASURE_RE.search(clause[max(0, hit.start() - 3): hit.start()]) or \
                            clause[hit.end(): hit.end() + 2] in ("期间", "规定", "期满", "期限"):
                        continue
                    if not any(h.start() < hit.end() and hit.start() < h.end() for h, _ in hits):
                        hits.append((hit, measure))
            hits.sort(key=lambda hm: hm[0].start())
            executed = regex.search(r"由[^，。]{0,20}执行$", clause)
            if not hits and executed and in_clause and facts.custody_events:
                # "…被批准逮捕，同月24日由某公安局执行": the arrest happened when executed.
                prev = facts.custody_events[-1]
                if prev["measure"].value == "逮捕":
                    done = in_clause[-1]
                    prev["date"] = Found(done.iso, done.start, done.end, 0.85)
                continue
            # "现羁押于…" states where someone is, not a measure taken ("现因涉嫌…被刑事拘留" is one).
            if not hits or regex.match(r"现(?:羁押|押|在押|关押|被羁押|羁于)", clause):
                continue
            if hits[0][1] == "逮捕" and _NOT_EXECUTED_RE.search(text, c_hi, s_hi):
                continue
            # "分别于同年3月16日、3月30日被刑事拘留和逮捕": dates pair with measures in order.
            paired = len(hits) > 1 and len(in_clause) == len(hits)
            for k, (hit, measure) in enumerate(hits):
                date = in_clause[k] if paired else (
                    _date_before(dates, c_lo, c_lo + hit.start())
                    or (None if measure == "羁押" else last_date)
                )
                if date is None:
                    continue
                event = {
                    "measure": Found(measure, c_lo + hit.start(), c_lo + hit.end(), 0.9),
                    "date": Found(date.iso, date.start, date.end, 0.85 if date.relative else 0.9),
                }
                _add_event(text, facts, event)


def _add_event(text: str, facts: PersonFacts, event: dict[str, Found]) -> None:
    prev = facts.custody_events[-1] if facts.custody_events else None
    # 批准逮捕 then 执行逮捕 is one arrest, dated when it was executed.
    if prev and event["measure"].value == "逮捕" and prev["measure"].value == "逮捕" and (
        "批准" in text[prev["measure"].start - 4: prev["measure"].end]
        or "决定" in text[prev["measure"].start - 6: prev["measure"].end]
        or prev["date"].value == event["date"].value
    ):
        facts.custody_events[-1] = event
        return
    facts.custody_events.append(event)


def read_priors_in(text: str, lo: int, hi: int) -> list[dict[str, Found | None]]:
    """Read the prior convictions one sentence ``text[lo:hi]`` states (reasoning, facts)."""
    dates = [DateMention(d.start + lo, d.end + lo, d.iso, d.relative) for d in scan_dates(text[lo:hi])]
    facts = PersonFacts()
    _read_priors(text, lo, hi, dates, facts)
    return facts.prior_convictions


def _read_priors(text: str, lo: int, hi: int, dates: list[DateMention], facts: PersonFacts) -> None:
    sentence = text[lo:hi]
    triggers = list(regex.finditer(
        rf"判处|免予刑事处罚|免于刑事处罚|单处罚金|被处罚金|{_SHORT_SENTENCE}", sentence
    ))
    window_start = lo
    for t in triggers:
        t_abs = lo + t.start()
        window = text[window_start:t_abs]
        charges: list[tuple[str, int]] = []
        for cm in _PRIOR_CHARGE_RE.finditer(window):
            # "因毒品犯罪被判处刑罚" names no charge; pre-1997 names (流氓罪) are kept as written.
            trimmed = (trim_charge(c) for c in split_charge_list(cm.group(1)))
            charges.extend(
                (c, window_start + cm.start(1) + cm.group(1).find(c))
                for c in trimmed
                if link_charge(c) or nearest_charge(c) or ("犯罪" not in c and len(c) <= 8)
            )
        if not charges:
            # "因盗窃被判处…": the act without 罪, named after the charge it was.
            act = regex.search(rf"因([{HAN}、]{{2,12}}?)(?:于|被|，)", window)
            if act and not act.group(1).startswith("犯") and link_charge(act.group(1) + "罪"):
                charges.append((act.group(1) + "罪", window_start + act.start(1)))
        date = _date_before(dates, window_start, t_abs)
        # The sentence as written: after 判处 ("有期徒刑六个月，并处罚金…"), or the whole
        # penalty when it has no 判处 ("单处罚金人民币三千元", "免予刑事处罚").
        word = t.group(0)
        s_start = t_abs + (
            len(word) if word in ("判处", "判刑", "被判刑", "被判") else (1 if word == "被处罚金" else 0)
        )
        s_end = s_start
        for c_lo, c_hi in _clauses(text, s_start, hi):
            if c_lo != s_start and not _SENT_CONT_RE.match(text[c_lo:c_hi]):
                break
            s_end = c_hi
        # Several charges of one earlier judgment are kept together, as written.
        charge = (
            ("、".join(c for c, _ in charges), charges[0][1]) if charges else None
        )
        sentence_text = text[s_start:s_end]
        if charge is None and date is None and not sentence_text:
            continue
        entry: dict[str, Found | None] = {
            "date": Found(date.iso, date.start, date.end, 0.9) if date else None,
            "charge": Found(charge[0], charge[1], charge[1] + len(charge[0]), 0.9) if charge else None,
            "sentence": Found(sentence_text, s_start, s_end, 0.85) if sentence_text else None,
        }
        if charge:
            entry["charge_official"] = Found(
                "、".join(str(link_charge(c) or c) for c, _ in charges),
                charge[1], charge[1] + len(charge[0]), 0.8,
            )
        facts.prior_convictions.append(entry)
        window_start = s_end


# Words read together with a charge name: "因盗窃罪", "犯有抢劫罪", "因扒窃犯盗窃罪".
_CHARGE_PREFIX_END = set("因有犯以系曾又再被其了")


def trim_charge(written: str) -> str:
    """``written`` without the words read together with the charge ("因盗窃罪" → "盗窃罪").

    A form that links to the lexicon as it stands is kept. Otherwise the charge is the longest
    tail that links (an official, historical or selective name) and starts right after one of
    the words that lead into a charge (因, 有, 犯, 以 …), so a miswritten name is never cut down
    to a different offence ("组织非法偷越国境罪" stays as written). Without such a tail the form
    is kept as written (pre-1997 names, miswritten names the caller corrects or drops).
    """
    if link_charge(written) is not None:
        return written
    for i in range(1, len(written) - 2):
        if written[i - 1] in _CHARGE_PREFIX_END and link_charge(written[i:]) is not None:
            return written[i:]
    return written


def _same_prior(a: dict[str, Found | None], b: dict[str, Found | None]) -> bool:
    ca, cb = a.get("charge"), b.get("charge")
    if ca is None or cb is None:
        return False  # a prior without its charge is never folded into another
    if (link_charge(ca.value) or ca.value) != (link_charge(cb.value) or cb.value):
        return False
    da, db = a.get("date"), b.get("date")
    if da is not None and db is not None and not (
        str(da.value).startswith(str(db.value)) or str(db.value).startswith(str(da.value))
    ):
        return False
    sa, sb = a.get("sentence"), b.get("sentence")
    if da is None or db is None:
        # Undated: the same prior only when it carries the same sentence (or none).
        return sa is None or sb is None or sa.value == sb.value
    return True


def _detail(prior: dict[str, Found | None]) -> int:
    date = prior.get("date")
    return (len(str(date.value)) if date else 0) + (1 if prior.get("sentence") else 0)


def distinct_priors(priors: list[dict[str, Found | None]]) -> list[dict[str, Found | None]]:
    """One entry per earlier judgment: a prior stated twice (same charge, same date) is kept once.

    A document often tells a prior in the party paragraph and again in the reasoning; the
    statement with more detail (full date, sentence) is kept, at the place of the first.
    """
    out: list[dict[str, Found | None]] = []
    for prior in priors:
        for i, kept in enumerate(out):
            if _same_prior(kept, prior):
                if _detail(prior) > _detail(kept):
                    out[i] = prior
                break
        else:
            out.append(prior)
    return out
