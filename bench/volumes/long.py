r"""A long fictional volume (卷) of one case, built to a page count, with its true catalogue.

``build_long_volume(pages)`` returns a :class:`bench.volumes.corpus.Volume` of exactly ``pages``
pages: a gang case (团伙盗窃) with several suspects, each with a detention warrant, several
multi-page 讯问笔录 sessions, an identity record, the arrest papers and a prior judgment; several
witnesses' 询问笔录 of one to four pages; blank backs and "此页无正文" backs between documents.
Persons, dates and 文号 vary with the suspect; the document kinds are those of
``bench.volumes.corpus`` (whose page writers it reuses). Every name and number is invented.

The first suspect's block always holds one document of every kind the prosecution transfer's
checklist requires (起诉意见书 closes the volume), so a volume of 14 pages or more meets it.
The same seed gives the same volume.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta

from bench.volumes.corpus import (
    Case,
    Volume,
    acceptance,
    ar_date,
    arrest_approval,
    arrest_request,
    capture,
    expert_opinion,
    filing,
    plea_statement,
    prior_judgment,
    residence,
    residence_certificate,
    seizure,
    transfer_opinion,
    warrant,
)

# (name, gender, birth, ethnicity, region) of the suspects; (name) of the witnesses: all invented
SUSPECTS = (
    ("韩立新", "男", "1991-04-17", "汉族", "110105"), ("邓国强", "男", "1987-09-02", "汉族", "130102"),
    ("蒋文斌", "男", "1995-12-28", "满族", "210104"), ("罗小燕", "女", "1993-06-09", "汉族", "510107"),
    ("唐建华", "男", "1984-01-21", "回族", "640104"), ("许志明", "男", "1998-03-30", "汉族", "320106"),
    ("宋海波", "男", "1989-10-11", "蒙古族", "150102"), ("曹丽萍", "女", "1990-08-05", "汉族", "420106"),
    ("彭家乐", "男", "1997-11-14", "壮族", "450103"), ("谢永刚", "男", "1986-02-25", "汉族", "370102"),
)
WITNESSES = ("周晓梅", "付春来", "沈秋月", "吕大伟", "卢桂兰", "蔡俊杰", "田晓东", "任丽华", "姜文涛",
             "范小红", "石建平", "钟玉兰", "崔志勇", "潘美玲")
PRIOR_COURTS = ("北京市丰台区人民法院", "北京市海淀区人民法院", "北京市西城区人民法院", "北京市东城区人民法院")
PRIOR_CHARGES = ("盗窃罪", "寻衅滋事罪", "故意伤害罪", "诈骗罪")
SENTENCES = ("有期徒刑八个月", "有期徒刑一年", "拘役四个月", "有期徒刑一年六个月")
STREETS = ("安华里三区5号楼", "望京西园二区12号楼", "双井街道广和里8号", "酒仙桥路10号院", "劲松南路6号")
# what a suspect is asked and answers across the pages of a 讯问笔录 (no line is a title)
QUESTIONS = (
    ("你们几个人是怎么认识的？", "我和{other}是在工地上认识的，后来经常一起喝酒。"),
    ("{date}晚上你在哪里？", "我和{other}在朝阳区一带转，找没人看着的电动车。"),
    ("你们一共偷了几辆车？", "我记得大概有五六辆，具体的我记不清了。"),
    ("偷来的车卖到哪里了？", "都卖给了一个收旧车的，每辆三四百元。"),
    ("卖车的钱怎么分的？", "{other}拿大头，我拿一百多元。"),
    ("作案工具是从哪里来的？", "剪线钳是{other}在五金店买的。"),
    ("你们作案时谁负责望风？", "一般是我望风，{other}动手。"),
    ("你知道偷东西是违法的吗？", "知道，我一时糊涂。"),
    ("你认识{victim}吗？", "不认识，我们偷车的时候没见过车主。"),
    ("你以前因为什么被处罚过？", "我以前因为{prior}被判过刑。"),
    ("你对自己的行为怎么认识？", "我知道错了，愿意退赔被害人的损失。"),
    ("你们作案后去了哪里？", "我们把车推到桥下，第二天一早就卖了。"),
    ("警察是怎么找到你的？", "{date}警察到我住的地方把我带走的。"),
    ("你还有什么要补充的吗？", "没有了，我说的都是实话。"),
)
WITNESS_QUESTIONS = (
    ("你把看到的情况讲一下。", "那天晚上我看见两个人在楼下推着一辆电动车走了。"),
    ("你看清楚他们的样子了吗？", "其中一个个子高，穿黑色外套，另一个戴帽子。"),
    ("你的电动车是什么时候丢的？", "{date}晚上停在楼下，第二天早上就不见了。"),
    ("电动车是什么牌子的？价值多少？", "是绿源牌的，去年花三千二百元买的。"),
    ("你当时为什么没有报警？", "我以为是邻居挪走了，第二天才报的警。"),
    ("你以前见过这两个人吗？", "没见过，不是我们小区的人。"),
    ("你还有什么要补充的吗？", "没有了。"),
)
_SIGNED = "以上笔录我看过，和我说的相符。"


@dataclass(frozen=True)
class _Doc:
    """One document to append: its type, title and pages."""

    type: str
    title: str
    pages: list[str]


def _iso(day: date) -> str:
    return day.isoformat()


def _case(index: int) -> Case:
    """The ``index``-th suspect of the gang: own person, dates, 文号 and prior conviction."""
    name, gender, birth, ethnicity, region = SUSPECTS[index % len(SUSPECTS)]
    if index >= len(SUSPECTS):  # more suspects than names: a second round, born a year later
        name = name[0] + "二" + name[2:] if len(name) == 3 else name
        birth = f"{int(birth[:4]) + 1}{birth[4:]}"
    detained = date(2026, 3, 3) + timedelta(days=index * 2 + index % 3)
    requested, approved = detained + timedelta(days=3), detained + timedelta(days=9)
    prior_year = 2016 + index * 3 % 7
    court = PRIOR_COURTS[index % len(PRIOR_COURTS)]
    return replace(
        _GANG, suspect=name, gender=gender, birth=birth, ethnicity=ethnicity, region=region,
        address=f"北京市朝阳区{STREETS[index % len(STREETS)]}", detained=_iso(detained),
        arrest_requested=_iso(requested), arrest_approved=_iso(approved), arrested=_iso(approved),
        interrogations=(_iso(detained), _iso(detained + timedelta(days=12))),
        prior_court=court, prior_case=f"（{prior_year}）京01{5 + index % 4}刑初{100 + 37 * index}号",
        prior_charge=PRIOR_CHARGES[index % len(PRIOR_CHARGES)], prior_date=f"{prior_year}-0{1 + index % 9}-15",
        prior_sentence=SENTENCES[index % len(SENTENCES)], serial=400 + 7 * index,
    )


_GANG = Case(
    "韩立新", "男", "1991-04-17", "汉族", "110105", "北京市朝阳区安华里三区5号楼", "盗窃罪",
    "2026年1月至3月，犯罪嫌疑人韩立新伙同他人在朝阳区多个小区内窃取电动自行车十一辆，销赃得款人民币四千余元。",
    "李春生", "周晓梅", "北京市公安局朝阳分局", "京公朝", "北京市朝阳区人民检察院", "京朝检",
    "北京市朝阳区看守所", "2026-03-01", "2026-03-02", "2026-03-03", "2026-03-06", "2026-03-12",
    "2026-03-12", ("2026-03-03", "2026-03-20"), "2026-04-28", "北京市丰台区人民法院",
    "（2019）京0106刑初456号", "盗窃罪", "2019-05-20", "有期徒刑八个月", 400,
)


def _qa(pairs: tuple[tuple[str, str], ...], start: int, count: int, **names: str) -> str:
    lines = []
    for k in range(count):
        question, answer = pairs[(start + k) % len(pairs)]
        lines.append(f"问：{question.format(**names)}\n答：{answer.format(**names)}")
    return "\n".join(lines)


def interrogation_session(c: Case, session: int, pages: int, other: str, day: date) -> list[str]:
    """讯问笔录（第N次） over ``pages`` pages: a header, questions and answers, the signature."""
    names = {"other": other, "victim": c.victim, "prior": c.prior_charge, "date": ar_date(_iso(day))}
    head = (f"讯问笔录\n（第{session}次）\n时间：{ar_date(_iso(day))}9时10分至{ar_date(_iso(day))}11时20分\n"
            f"地点：{c.detention_centre}第三讯问室\n讯问人（签名）：赵明、孙悦  工作单位：{c.police}\n"
            f"记录人（签名）：孙悦\n被讯问人：{c.suspect}\n")
    if session == 1:
        head += (f"问：你的个人情况？\n答：我叫{c.suspect}，{c.gender}，{ar_date(c.birth)}出生，{c.ethnicity}，"
                 f"公民身份号码{c.id_number}，户籍地{c.address}。\n")
    texts = [head + _qa(QUESTIONS, session * 3, 3, **names)]
    texts += [_qa(QUESTIONS, session * 3 + 5 * k, 6, **names) for k in range(1, pages)]
    texts[-1] += f"\n{_SIGNED}\n{c.suspect}（捺指印）\n{ar_date(_iso(day))}"
    return texts


def witness_session(c: Case, witness: str, pages: int, day: date) -> list[str]:
    """询问笔录 of ``witness`` over ``pages`` pages."""
    names = {"date": ar_date(_iso(day - timedelta(days=3)))}
    head = (f"询问笔录\n时间：{ar_date(_iso(day))}14时至{ar_date(_iso(day))}15时\n地点：{c.police}办案区\n"
            f"询问人（签名）：赵明  工作单位：{c.police}\n被询问人：{witness}\n")
    texts = [head + _qa(WITNESS_QUESTIONS, 0, 3, **names)]
    texts += [_qa(WITNESS_QUESTIONS, 3 + 2 * k, 5, **names) for k in range(1, pages)]
    texts[-1] += f"\n{_SIGNED}\n{witness}\n{ar_date(_iso(day))}"
    return texts


def _suspect_block(c: Case, index: int, rng: random.Random, other: str) -> Iterator[Callable[[int], _Doc]]:
    """What one suspect adds to the volume, in the order a police clerk files it.

    A 讯问笔录 session is given the pages still free, so that a short volume holds one too.
    """
    yield _fixed(_Doc("拘留证", "拘留证", warrant(c, "拘留证")))
    if rng.random() < 0.5:
        yield _fixed(_Doc("常住人口登记表", "常住人口登记表", residence(c)))
    else:
        yield _fixed(_Doc("常住人口登记表", "户籍证明", residence_certificate(c)))
    sessions = rng.randint(2, 5) if index else 2
    detained = date.fromisoformat(c.detained)
    for session in range(1, sessions + 1):
        yield _session(c, session, detained + timedelta(days=(session - 1) * 6), rng.randint(2, 5), other)
    for doc in (_Doc("提请批准逮捕书", "提请批准逮捕书", arrest_request(c)),
                _Doc("批准逮捕决定书", "批准逮捕决定书", arrest_approval(c)),
                _Doc("逮捕证", "逮捕证", warrant(c, "逮捕证")), _Doc("刑事判决书", "刑事判决书", prior_judgment(c))):
        yield _fixed(doc)


def _session(c: Case, session: int, day: date, length: int, other: str) -> Callable[[int], _Doc]:
    """A 讯问笔录 session of ``length`` pages, or of the pages still free if fewer."""
    return lambda free: _Doc("讯问笔录", f"讯问笔录（第{session}次）",
                             interrogation_session(c, session, min(free, length), other, day))


def _fixed(doc: _Doc) -> Callable[[int], _Doc]:
    """A document whose pages do not depend on the pages still free."""
    return lambda free: doc


def _body(rng: random.Random) -> Iterator[Callable[[int], _Doc]]:
    """The documents between the front and the end, each given the pages still free."""
    first = _case(0)
    yield _fixed(_Doc("到案经过", "抓获经过", capture(first)))
    witnesses = iter(WITNESSES * 4)
    witness_day = date(2026, 3, 2)

    def witness(free: int) -> _Doc:
        nonlocal witness_day
        witness_day += timedelta(days=1)
        return _Doc("询问笔录", "询问笔录", witness_session(first, next(witnesses), min(free, rng.randint(1, 4)),
                                                       witness_day))

    yield witness
    index = 0
    while True:
        c = _case(index)
        other = SUSPECTS[(index + 1) % len(SUSPECTS)][0]
        yield from _suspect_block(c, index, rng, other)
        if index == 0:
            yield _fixed(_Doc("扣押清单", "扣押物品、文件清单", seizure(first)))
            yield _fixed(_Doc("鉴定意见", "鉴定书", expert_opinion(first)))
        for _ in range(rng.randint(1, 3)):
            yield witness
        index += 1


def build_long_volume(pages: int = 300, *, seed: int = 17) -> Volume:
    """A volume of exactly ``pages`` pages (at least 12) with its true catalogue; see module doc."""
    if pages < 12:
        raise ValueError(f"a long volume needs at least 12 pages, not {pages}")
    rng = random.Random(seed)
    first = _case(0)
    volume = Volume(f"long-volume-{pages}")
    volume.add("受案登记表", "受案登记表", acceptance(first), backs=1)
    volume.add("立案决定书", "立案决定书", filing(first))
    end = [_Doc("起诉意见书", "起诉意见书", transfer_opinion(first)),
           _Doc("认罪认罚具结书", "认罪认罚具结书", plea_statement(first))]
    end_pages = sum(len(d.pages) for d in end) + 1  # the 起诉意见书's 此页无正文 back
    for make in _body(rng):
        free = pages - end_pages - len(volume.pages)
        if free <= 0:
            break
        doc = make(free)
        if len(doc.pages) > free:  # the last gap is filled by a witness's record of its length
            doc = _Doc("询问笔录", "询问笔录", witness_session(first, WITNESSES[-1], free, date(2026, 4, 1)))
        room = free - len(doc.pages)
        back = rng.random()
        volume.add(doc.type, doc.title, doc.pages, backs=int(back < 0.2 and room >= 1),
                   no_text_back=0.2 <= back < 0.27 and room >= 1)
    volume.add(end[0].type, end[0].title, end[0].pages, no_text_back=True)
    volume.add(end[1].type, end[1].title, end[1].pages)
    if len(volume.pages) != pages:
        raise AssertionError(f"built {len(volume.pages)} pages for {pages}")  # a bug here, not input
    volume.facts = {"defendants": [_person(c) for c in _suspects_in(volume)]}
    return volume


def _suspects_in(volume: Volume) -> list[Case]:
    """The suspects whose detention warrant made it into the volume, in order."""
    warrants = [page for page in volume.pages if page.startswith(f"{_GANG.police}\n拘 留 证")]
    cases = [_case(index) for index in range(2 * len(SUSPECTS))]
    return [c for c in cases if any(f"姓名：{c.suspect} " in page for page in warrants)]


def _person(c: Case) -> dict[str, str]:
    return {"name": c.suspect, "gender": c.gender, "birth_date": c.birth, "ethnicity": c.ethnicity,
            "id_number": c.id_number}
