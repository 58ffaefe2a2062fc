"""Defendant names: from party paragraphs, or voted from mentions in a fact-only text.

``party_markers(text, lo, hi)`` finds "被告人NAME，…" openings of party paragraphs;
``names_from_mentions(text)`` finds defendants in fact sections ("被告人黄爽、彭林等…") where
no paragraph gives the name, choosing name boundaries by how often each candidate is followed
by punctuation or a function word.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import jieba
import regex

from nlp.found import Found
from nlp.han import HAN, is_han
from nlp.sections import is_party_paragraph
from nlp.surnames import has_surname

NAME_CHARS = rf"[{HAN}A-Za-z0-9×Xx＊*·•．.ⅹ]"
_ROLE = r"(?:上诉人|原审被告人|被告人|犯罪嫌疑人|罪犯|被告)"
PARTY_RE = regex.compile(
    rf"{_ROLE}(?:[（(](?:原审)?(?:被告人|被告|犯罪嫌疑人)[）)])?[：:]?(?:自报|自称)?({NAME_CHARS}{{1,12}}?)"
    r"(?=[，,（(。；;:：]|$)"
)
_ALIAS_RE = regex.compile(
    rf"(?:绰号|外号|别名|化名|曾用名|又名|小名)[：:]?[“\"「]?([{HAN}A-Za-z0-9]{{1,8}}?)[”\"」，,。；)）]"
)


# A "name" starting with a function word is a sentence about the defendant ("被告人系初犯，…").
_NOT_PARTY_START = set("系已在对的将因等及与均亦也所该现犯")


@dataclass(frozen=True)
class PartyMarker:
    """A party paragraph opening: the name and where the paragraph starts."""

    name: Found
    start: int


def party_markers(text: str, lo: int, hi: int) -> list[PartyMarker]:
    """Party paragraphs in ``[lo, hi)``: each begins at a role word after a sentence end."""
    out: list[PartyMarker] = []
    seen: set[str] = set()
    for m in PARTY_RE.finditer(text, lo, hi):
        if not is_party_paragraph(text, m.start(), m.end()) or _civil_party(text, m.start()):
            continue
        name = m.group(1)
        if (name in seen or len(name) > 10 or name[0] in _NOT_PARTY_START or name in _NOT_NAME
                or name.startswith("单位")):
            continue
        seen.add(name)
        out.append(PartyMarker(Found(name, m.start(1), m.end(1), 0.95), m.start()))
    return out


def _civil_party(text: str, start: int) -> bool:
    # 附带民事诉讼被告人 is sued for damages, not prosecuted.
    return text[max(0, start - 6): start].endswith(("民事诉讼", "附带民事", "民事"))


def find_aliases(text: str, lo: int, hi: int) -> list[Found]:
    """绰号/别名/曾用名 given in a party paragraph."""
    return [Found(m.group(1), m.start(1), m.end(1), 0.85) for m in _ALIAS_RE.finditer(text, lo, hi)]


# Characters that end a name when they follow it in running text.
_STOP_AFTER = set(
    "，,。；;：:、（(）)“”\"在的于因将与和及等伙同以被为系从到向对把持驾采明先利通趁经又再已共均分即遂便还也并"
    "是无未拒不冒窜至去携骑乘租购用拿使称所之后前时就则才都各仍亦曾因而今虚酒归案犯到供辩"
    "虽但却既身"
)
# Stop characters that are also common given-name characters (何某明, 李某利): a mask that
# keeps one of them is told by repetition.
_GIVEN_NAME_STOPS = set("明利通经先同驾采持携至称归辩供虽身再还")
# "来到曾某家，", "从胥某处购得": the home or place of the person named before it.
_PLACE_OF_PERSON = set("家处")
# Words that often follow 被告人 in running text and start with a surname-like character.
_COMMON_WORDS = {
    "应当", "驾驶", "驾车", "向公", "常住", "管理", "车主", "持刀", "伙同", "纠集", "携带", "多次",
    "先后", "明知", "为了", "共同", "分别", "利用", "采用", "通过", "随后", "事后", "当场", "主动",
    "如实", "自愿", "被害", "家属", "亲属", "要求", "提出", "认为", "称其", "辩称", "供称", "房屋",
    "方面", "一方", "双方", "全部", "部分", "本人", "个人", "人员", "时任", "任职", "担任", "身为",
    "上访", "上诉", "原审", "原系", "原任", "原纪", "曾任", "现任", "供认", "承认", "否认", "当庭",
    "到庭", "所得", "具有", "没有", "不服", "对此", "经查", "其在", "单位", "公司",
}
_NOT_NAME = {
    "供述", "辩解", "辩护", "身份", "户籍", "归案", "家属", "本人", "到案", "当庭", "所有", "一方",
    "对其", "辩护人", "自愿", "如实", "主动", "犯罪", "行为", "签名", "认罪", "无异", "提出",
}
# "姜1某帅": a numbered mask that kept a given-name character is how the anonymiser leaves a
# person beside the accused (a legal representative, a buyer, a co-offender tried elsewhere);
# the accused of the judgment are masked whole (张1某, 王某某, 仇某刚).
_PARTIAL_MASK_RE = regex.compile(rf"[{HAN}]{{1,2}}[0-9]某[{HAN}]")
# What follows a bare "被告人" that is not a name: "被告人曾因…被判处" (a prior record),
# "被告人方与被害人…" (the accused's side).
_NOT_NAME_RE = regex.compile(r"曾[因被于在经多]|方[与和共已向赔及]")
_UNIT = r"[万千百十元角条次克个包件辆张台只名人天号时点分岁年月日周斤吨米余多]"
_MASK_RE = regex.compile(
    rf"(?:[{HAN}]{{2}}(?=某)|[{HAN}])[0-9]?(?:某某|某[×xX](?![×xX])|某|××|×|XX|xx|X|x|ⅹ)"
    # one digit numbers a mask (王某2); more digits are a year ("孙××2014年"), and a digit
    # before a unit or measure word is a quantity ("给薛1某8万元", "卖给胥某8条香烟", "苑某3次贩卖")
    rf"(?:[0-9](?![0-9]|{_UNIT})|[甲乙丙丁戊己庚辛](?![{HAN}]{{0,0}}某))?"
)
_OUT_OF_CASE_RE = regex.compile(
    r"[（(][^）)]{0,12}?(?:另案|已判|在逃|另处|另行处理|已处理|死亡|不起诉|未起诉|追逃|在押|已被判"
    r"|未查找到|未查获|未到案|未归案|未抓获|潜逃"
    # prosecuted or sentenced in a separate case ("（已起诉）", "（二人均判刑）", "（分案处理）"),
    # also under the common misprint 己 for 已 ("（己判刑）")
    r"|已起诉|判刑|已[^）)]{0,8}?判|己判|分案|依法处理)"
)
# "八名被告人期股…", "两被告人…", "上述被告人…" refer to a group, not to one name that follows.
_ROLE_MENTION_RE = regex.compile(
    r"(?<!民事诉讼)(?<!附带民事)(?<![名两二三四五六七八九十各诸述该他体数])被告人[）)]?(?:自报)?"
)
# Where no 被告人 names anyone (an appeal's facts, a police account), these roles name the accused.
_OTHER_ACCUSED_RE = regex.compile(
    r"(?<![名两二三四五六七八九十各诸述该他体数])(?:上诉人|原审被告人|犯罪嫌疑人|嫌疑人|罪犯)[）)]?[：:]?"
)
_SUSPECT_RE = regex.compile(r"(?<![名两二三四五六七八九十各诸述该他体数])(?:犯罪嫌疑人|嫌疑人)[）)]?[：:]?")
# Roles of people who are not accused: a name they introduce is a victim, witness, buyer….
_NOT_ACCUSED_RE = regex.compile(
    r"(?:被害人|受害人|被害者|被侵害人|被骗人|证人|报案人|报警人|举报人|控告人|购买人|购毒人员?|吸毒人员|"
    r"买家|买主|卖家|失主|死者|伤者|民警|辅警|警察|被害单位|同案人?|同案犯|被告人的?(?:妻子|丈夫|父亲|母亲|"
    r"儿子|女儿|亲属|家属)|介绍人|中间人|被询问人|询问人|讯问人|记录人|见证人|鉴定人|侦查员|侦查人员|办案人员?|承办人|翻译人员?)[：:]?"
)


def _name_at(text: str, pos: int) -> str | None:
    """Read the name starting at ``pos``: a mask (张某某, 王2某), or 2-3 characters.

    The length is chosen by how the text uses the candidates: "吴鸿受他人" is 吴鸿 when 吴鸿 also
    occurs elsewhere without 受; a longer form is kept when every occurrence of the shorter one
    continues with the same character (李文奇).
    """
    mask = _MASK_RE.match(text, pos)
    if mask and _mask_ok(mask.group(0)):
        # 仇某刚: a mask that keeps the given name's last character, told by how the longer
        # form is used elsewhere in the text.
        longer = text[pos: mask.end() + 1]
        if (_single_mask(mask.group(0))
                and is_han(longer[-1:])
                and (longer[-1] not in _STOP_AFTER
                     or (longer[-1] in _GIVEN_NAME_STOPS and text.count(longer) >= 2))
                and _bounded(text, longer) >= 1 and _bounded(text, mask.group(0), exclude=longer[-1], masks=False) == 0
                and not _always_opens_word(text, longer)):
            return longer
        # 李某云 … 被害人李某: the bare mask is someone else; the longer form is a name when the
        # text closes it off again and again and here its last character opens no word
        # (李某云趁…, not 李某强行…)
        if (_single_mask(mask.group(0))
                and is_han(longer[-1:])
                and longer[-1] not in _STOP_AFTER and longer[-1] not in _PLACE_OF_PERSON
                and _bounded(text, longer) >= 2
                and _word_frequency(text[mask.end(): mask.end() + 2]) < 30):
            return longer
        # 董某庆来到…, 董某庆抓获, 尹×旺来到…: never followed by a boundary, but the mask never
        # occurs without that character, and the character starts no word with what follows it.
        if (_single_mask(mask.group(0))
                and is_han(longer[-1:])
                and longer[-1] not in _STOP_AFTER
                and text.count(longer) >= 2
                and text.count(longer) == _mask_uses(text, mask.group(0))
                and not _always_opens_word(text, longer)
                and not any(_word_frequency(text[m.end() - 1: m.end() + 1]) >= 30
                            for m in regex.finditer(regex.escape(longer), text))):
            return longer
        return mask.group(0)
    base = 3 if text[pos: pos + 2] in _COMPOUND_OK else 2
    cand = text[pos: pos + base]
    if len(cand) < base or not all(regex.fullmatch(rf"[{HAN}·]", c) for c in cand):
        return None
    if _NOT_NAME_RE.match(cand):
        return None
    if cand in _NOT_NAME or cand[:2] in _COMMON_WORDS or cand[0] in _NOT_PARTY_START or cand[0] in "，,。；;：:、（(）)“”\"的被在未无和与及给":
        return None
    nxt = text[pos + base: pos + base + 1] or "。"
    if is_han(nxt):
        longer = cand + nxt
        b_short = _bounded(text, cand, exclude=nxt)
        b_long = _bounded(text, longer)
        # "王林负责…", "刘林在明知…", "王生随后…": the next character starts a word, so one
        # bounded use of the longer form is not enough evidence that it is a name (punctuation
        # right after it is: "何樟和、邱某").
        weak = nxt in _STOP_AFTER or _word_frequency(text[pos + base: pos + base + 2]) >= 1000
        punct = regex.search(regex.escape(longer) + r"[，,。；;、（(：:]", text) is not None
        if (b_long > b_short and (b_long >= 2 or punct or not weak)) or (b_long == b_short and not weak):
            cand = longer
    strong = (text[pos + len(cand): pos + len(cand) + 1] or "。") in "，,。；;、（(和等"
    surname = has_surname(cand)
    if _word_frequency(cand) >= (1000 if surname else 20):
        return None  # a common word ("经营", "原则", "符合"), not a name
    if len(cand) == 3 and text.count(cand) == 1 and _word_frequency(cand[:2]) >= 1000:
        # a common word and the next character, met once ("支付给", "安徽华…"), not a name
        # (王国超, 夏天斌 are named again and again)
        return None
    if not surname and not (strong and text.count(cand) >= 2) and _bounded(text, cand) < 3:
        return None
    return cand


def _single_mask(mask: str) -> bool:
    """A mask of one character (张某, 杨X, 尹×) that may keep the given name's last one after it."""
    return mask[-1:] in ("某", "X", "x", "×") and mask[-2:] not in ("某某", "XX", "xx", "××") and mask[-2:-1] not in "某"


def _mask_uses(text: str, mask: str) -> int:
    """How often ``mask`` occurs as a name of its own length or longer (not 王某某, 王某1)."""
    return sum(1 for m in regex.finditer(regex.escape(mask), text)
               if not regex.fullmatch(r"[某0-9０-９甲乙丙丁戊己庚辛]", text[m.end(): m.end() + 1] or "。"))


def _always_opens_word(text: str, longer: str) -> bool:
    """Tell whether the character after a mask always starts a word with what follows it.

    "刘某指使", "李某谎称", "陈某醉酒": the character is the verb's first, not a kept given-name
    character (仇某刚在…, 仇某刚。), so the mask ends before it.
    """
    for m in regex.finditer(regex.escape(longer), text):
        if _word_frequency(text[m.end() - 1: m.end() + 1]) < 30:
            return False
    return True


def _word_frequency(word: str) -> int:
    """Frequency of ``word`` in jieba's dictionary (0 for unknown words, as most names are)."""
    if not jieba.dt.initialized:
        jieba.setLogLevel(logging.WARNING)  # it announces loading its dictionary at DEBUG
    jieba.dt.check_initialized()  # loads the dictionary once per process; spaCy's jieba shares it
    return int(jieba.dt.FREQ.get(word) or 0)


_COMPOUND_OK = {"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文",
                "司徒", "夏侯", "令狐", "钟离", "端木", "西门", "南宫", "独孤", "呼延", "申屠"}


def _mask_ok(mask: str) -> bool:
    if mask[0] in "其该本某此原被在犯":  # "被告人在××至…", "被告人犯××罪": a word before a mask
        return False
    # Two characters before 某 only for a compound surname (欧阳某), not 韩张某某.
    return not (len(mask) > 2 and mask[1] not in "某×Xx0123456789ⅹ" and mask[:2] not in _COMPOUND_OK)


def _bounded(text: str, name: str, exclude: str = "", masks: bool = True) -> int:
    """How often ``name`` occurs followed by a name boundary (other than ``exclude``).

    With ``masks=False`` a digit or 甲乙丙 after the name does not count: "王某1" is another
    masked person, not a bounded "王某".
    """
    count = 0
    for m in regex.finditer(regex.escape(name), text):
        nxt = text[m.end(): m.end() + 1] or "。"
        if not masks and regex.fullmatch(r"[0-9０-９甲乙丙丁戊己庚辛]", nxt):
            continue
        if nxt != exclude and (nxt in _STOP_AFTER or not is_han(nxt)):
            count += 1
    return count


def names_from_mentions(text: str) -> list[Found]:
    """Defendant names from every "被告人…" mention, in order of first mention.

    Lists ("被告人黄爽、彭林和龚万云") are followed through 、 and 和; a name marked as dealt with
    elsewhere ("（另案处理）", "（均已判决）") is not a defendant of this case, nor is a name only
    reached through a list that the text introduces as a victim or witness ("被害人/证人X").
    Without any 被告人 naming someone, 上诉人/犯罪嫌疑人/罪犯 are read the same way, and failing
    those the person the text makes the subject of the acts (:func:`_subject_of_acts`).
    """
    others = {n: _role_count(text, _NOT_ACCUSED_RE, n) for n in _role_chains(text, _NOT_ACCUSED_RE)[0]}
    for role in (_ROLE_MENTION_RE, _OTHER_ACCUSED_RE):
        chosen, excluded, namesakes = _role_chains(text, role)
        chained = {n for n, (_, direct) in chosen.items() if not direct}
        excluded |= chained & set(others)
        if role is _ROLE_MENTION_RE:
            # "被告人段某某和犯罪嫌疑人陈某某…": where the accused on trial are 被告人, someone the
            # text calls only 犯罪嫌疑人 (reached here through a list) is a suspect of another case
            excluded |= {n for n in chained if _role_count(text, _SUSPECT_RE, n)}
        names = {n: p for n, (p, _) in chosen.items() if n not in excluded and not _PARTIAL_MASK_RE.fullmatch(n)}
        if not names:
            # "王某（已判刑）…与被告人王某共同…": when everyone the role word names is marked as
            # tried elsewhere, but only where it does not name them, two people share the mask
            # and the one the role word names is the accused
            names = {n: chosen[n][0] for n in namesakes if not _PARTIAL_MASK_RE.fullmatch(n)}
        names = _drop_prefixes(names)
        # "被害人赵某…被告人赵某" (a slip of the writer): a name the text gives a victim's or
        # witness's role at least as often as the accused's is not accused, unless alone.
        victims = {n for n in names if 0 < others.get(n, 0) >= _role_count(text, role, n)}
        if victims and len(victims) < len(names):
            names = {n: p for n, p in names.items() if n not in victims}
        # "公诉机关认为，被告人甲的行为…": the conclusion names whom the judgment is about; others
        # the facts call 被告人 were tried in another judgment (a CAIL fact section names them so)
        concluded = _concluded(text) & set(names)
        if concluded and len(concluded) < len(names):
            names = {n: p for n, p in names.items() if n in concluded}
        if names:
            return [Found(n, p, p + len(n), 0.75) for n, p in sorted(names.items(), key=lambda kv: kv[1])]
    subject = _subject_of_acts(text, set(others))
    return [subject] if subject else []


_CONCLUSION_RE = regex.compile(r"认为[，,]?被告人")


def _concluded(text: str) -> set[str]:
    """The names a conclusion "认为被告人甲(、乙)的行为…" gives, or none.

    Every "被告人X的行为" of the conclusion's sentence counts ("认为，被告人甲的行为构成盗窃罪，
    被告人乙的行为构成窝藏罪" names both).
    """
    found: set[str] = set()
    for conclusion in _CONCLUSION_RE.finditer(text):
        end = text.find("。", conclusion.end())
        sentence = text[conclusion.start(): end if end >= 0 else len(text)]
        for m in regex.finditer(r"被告人", sentence):
            found |= _acting(sentence, m.end())
    return found


def _acting(text: str, pos: int) -> set[str]:
    """The names from ``pos`` (a list through 、 and 和) when "的行为" follows them, else none."""
    chain: list[str] = []
    for _ in range(8):
        name = _name_at(text, pos)
        if name is None:
            return set()
        chain.append(name)
        pos += len(name)
        if text.startswith(("的行为", "行为", "之行为"), pos):
            return set(chain)
        if pos < len(text) and text[pos] in "、和":
            pos += 1
            continue
        return set()
    return set()


def _role_count(text: str, role: regex.Pattern[str], name: str) -> int:
    """How often ``name`` (itself, not a longer name) follows ``role`` directly."""
    ends_with_role = regex.compile(f"(?:{role.pattern})$")
    return sum(1 for m in regex.finditer(regex.escape(name), text)
               if ends_with_role.search(text, max(0, m.start() - 12), m.start())
               and _name_at(text, m.start()) == name)


def _role_chains(
    text: str, role: regex.Pattern[str]
) -> tuple[dict[str, tuple[int, bool]], set[str], set[str]]:
    """Names after each ``role`` match, lists followed through 、 and 和.

    Returns name → (first position, ever named right after the role word), the names marked as
    dealt with elsewhere, and among those the ones marked only away from the role word (a
    namesake may be meant: "刘某（已判刑）驾车…被告人刘某为使刘某不受追究").
    """
    chosen: dict[str, tuple[int, bool]] = {}
    excluded: set[str] = set()
    marked_at_role: set[str] = set()
    for m in role.finditer(text):
        pos = m.end()
        chain: list[tuple[str, int]] = []
        for _ in range(8):
            name = _name_at(text, pos)
            if name is None:
                break
            chain.append((name, pos))
            after = pos + len(name)
            out = _OUT_OF_CASE_RE.match(text, after)
            if out:
                # "（均另案处理）" closes a list: everyone listed after the first is elsewhere
                # (the first is the one the role word names: "被告人甲和乙、丙（均另案处理）").
                group = regex.search(r"均|上述|以上|[二两三四五六七八九]人|等人", out.group(0))
                gone = chain[1:] if group and len(chain) > 1 else chain[-1:]
                if _group_size(out.group(0)) >= len(chain):  # "被告人甲、乙、丙（三人已判决）": all
                    gone = chain
                excluded.update(n for n, _ in gone)
                marked_at_role.update(n for n, _ in gone)
                break
            if after < len(text) and text[after] in "、和":
                pos = after + 1
                continue
            break
        for k, (name, p) in enumerate(chain):
            first, direct = chosen.get(name, (p, False))
            chosen[name] = (min(first, p), direct or k == 0)
    # Anyone marked as dealt with elsewhere anywhere in the text is not a defendant here, alone
    # ("甲（已判决）") or in a list the mark closes for all ("甲、乙（均已判决）") that the role
    # word does not open (there the first is the one it names, as above).
    ends_with_role = regex.compile(f"(?:{role.pattern})$")
    for name in chosen:
        for m in regex.finditer(regex.escape(name), text):
            if _OUT_OF_CASE_RE.match(text, m.end()):
                if ends_with_role.search(text, max(0, m.start() - 12), m.start()):
                    marked_at_role.add(name)
                excluded.add(name)
                break
            listed, out = _list_closed_by_mark(text, m.end())
            if out and (not ends_with_role.search(text, max(0, m.start() - 12), m.start())
                        or _group_size(out) >= listed + 1):
                excluded.add(name)
                break
    namesakes = {n for n in excluded - marked_at_role if chosen[n][1]}
    return chosen, excluded, namesakes


_GROUP_RE = regex.compile(r"均|上述|以上|[二两三四五六七八九]人|等人")
_GROUP_SIZE = {"二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _group_size(mark: str) -> int:
    """The count a mark gives its list ("（三人已判决）" → 3), else 0."""
    m = regex.search(r"([二两三四五六七八九])人", mark)
    return _GROUP_SIZE[m.group(1)] if m else 0


def _list_closed_by_mark(text: str, pos: int) -> tuple[int, str | None]:
    """Follow a list of names from ``pos`` (after a name) through 、 and 和 to a group mark.

    Returns how many names follow and the mark ("（均已判决）", "（三人另案处理）"), or ``None``
    when the list ends without one that speaks for all its names.
    """
    listed = 0
    while listed < 8 and pos < len(text) and text[pos] in "、和":
        name = _name_at(text, pos + 1)
        if name is None:
            return listed, None
        pos += 1 + len(name)
        listed += 1
        out = _OUT_OF_CASE_RE.match(text, pos)
        if out:
            return listed, out.group(0) if _GROUP_RE.search(out.group(0)) else None
    return listed, None


# A clause a person's act opens: after a sentence or clause break, a date, or a post held.
_SUBJECT_BEFORE_RE = regex.compile(
    r"(?:^|[，,。；;：:、]|[日月年]|许|间|后|农民|村民|站长|所长|局长|队长|经理|法定代表人|负责人|会计|出纳|"
    r"司机|职工|员工|身为|系)$"
)


def _subject_of_acts(text: str, others: set[str]) -> Found | None:
    """The one person a role-less fact section is about, or ``None``.

    It is the masked name (张某, 王某甲) that most often opens a clause, never introduced as a
    victim, witness or in another non-accused role.
    """
    counts: dict[str, int] = {}
    first: dict[str, int] = {}
    # Overlapping: "法定代表人郑某甲", "农民杨某某" first match as a two-character surname (人郑某,
    # 民杨某); the scan must still try the mask that starts one character later.
    for m in _MASK_RE.finditer(text, overlapped=True):
        name = _name_at(text, m.start())
        if name is None or name in others or name[0] in _NOT_PARTY_START:
            continue
        # "石某某的损伤程度…": a name before 的 is whose the thing is, not who acts
        if (_SUBJECT_BEFORE_RE.search(text[max(0, m.start() - 5): m.start()])
                and not text.startswith("的", m.start() + len(name))):
            counts[name] = counts.get(name, 0) + 1
            first.setdefault(name, m.start())
    if not counts:
        return None
    best = max(counts, key=lambda n: (counts[n], -first[n]))
    return Found(best, first[best], first[best] + len(best), 0.6)


# 陈某 and 陈某某, 王某 and 王某2: two masked people, not a name and a misreading of it
_MASK_TAIL_RE = regex.compile(r"某|[0-9]|[甲乙丙丁戊己庚辛]")


def _drop_prefixes(chosen: dict[str, int]) -> dict[str, int]:
    # "彭林" and "彭林手" both chosen: the shorter one is the name.
    names = dict(chosen)
    for a in list(names):
        for b in list(names):
            if a != b and b.startswith(a) and b in names and a in names and not _MASK_TAIL_RE.fullmatch(b[len(a):]):
                del names[b]
    return names
