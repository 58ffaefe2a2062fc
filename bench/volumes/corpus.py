r"""Fictional volumes (卷) of pre-trial documents, with their true catalogue and facts.

Every name, number, agency and event here is invented. ``build_volumes()`` returns
:class:`Volume` objects: the text of each page (one string per page, "\\n" between paragraphs, as
``tests/support/render.py`` expects) and the truth: each document's type, title and first page,
and the merged facts of the suspect. The documents follow the standard formats (公安机关刑事
法律文书式样, 人民检察院刑事诉讼法律文书格式) in wording written for this bench.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nlp.idcard import check_char

_CN_DIGITS = "〇一二三四五六七八九"


def cn_date(iso: str) -> str:
    """二〇二六年三月二日 for 2026-03-02 (the seal block's way of writing a date)."""
    y, m, d = (int(p) for p in iso.split("-"))

    def small(n: int) -> str:
        if n < 10:
            return _CN_DIGITS[n]
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")

    return "".join(_CN_DIGITS[int(c)] for c in str(y)) + f"年{small(m)}月{small(d)}日"


def ar_date(iso: str) -> str:
    """2026年3月2日 for 2026-03-02."""
    y, m, d = (int(p) for p in iso.split("-"))
    return f"{y}年{m}月{d}日"


def spaced(title: str) -> str:
    """拘 留 证: a title set with spaces between its characters."""
    return " ".join(title)


@dataclass
class Case:
    """The facts one fictional volume is written from."""

    suspect: str
    gender: str
    birth: str
    ethnicity: str
    region: str  # six digits of the ID number
    address: str
    charge: str
    deed: str  # what happened, one sentence
    victim: str
    witness: str
    police: str
    police_short: str
    procuratorate: str
    procuratorate_short: str
    detention_centre: str
    accepted: str
    filed: str
    detained: str
    arrest_requested: str
    arrest_approved: str
    arrested: str
    interrogations: tuple[str, str]
    transferred: str
    prior_court: str
    prior_case: str
    prior_charge: str
    prior_date: str
    prior_sentence: str
    serial: int
    plea: bool = True

    @property
    def id_number(self) -> str:
        first17 = self.region + self.birth.replace("-", "") + ("031" if self.gender == "男" else "042")
        return first17 + check_char(first17)


@dataclass
class Volume:
    """A volume: its pages' text and the truth to score a catalogue and its facts against."""

    name: str
    pages: list[str] = field(default_factory=list)
    documents: list[dict[str, Any]] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    def add(self, doc_type: str, title: str, pages: list[str], *, backs: int = 0, no_text_back: bool = False) -> None:
        """Append a document of ``pages``, followed by blank backs or a "此页无正文" back."""
        self.documents.append({"type": doc_type, "title": title, "first_page": len(self.pages) + 1,
                               "last_page": len(self.pages) + len(pages) + backs + int(no_text_back)})
        self.pages.extend(pages)
        self.pages.extend([""] * backs)
        if no_text_back:
            self.pages.append("（此页无正文）")


def _ident(c: Case) -> str:
    return (f"{c.suspect}，{c.gender}，{ar_date(c.birth)}出生，{c.ethnicity}，公民身份号码{c.id_number}，"
            f"住{c.address}")


def acceptance(c: Case) -> list[str]:
    no = f"{c.police_short}（刑）受案字〔{c.accepted[:4]}〕{c.serial:04d}号"
    return [f"受案登记表\n{no}\n受案单位：{c.police}\n"
            f"报案人：{c.victim}  性别：男  联系方式：13800000000\n"
            f"接报时间：{ar_date(c.accepted)}21时10分  接报方式：当面报案\n"
            f"简要案情：{c.deed}\n"
            "受案意见：经审查，属于本单位管辖的刑事案件，建议及时立案侦查。\n"
            f"受案审批人：张立民\n{c.police}（印）\n{cn_date(c.accepted)}"]


def filing(c: Case) -> list[str]:
    no = f"{c.police_short}（刑）立字〔{c.filed[:4]}〕{c.serial:04d}号"
    return [f"{c.police}\n立案决定书\n{no}\n"
            f"根据《中华人民共和国刑事诉讼法》第一百零九条之规定，决定对{c.suspect}涉嫌{c.charge[:-1]}案立案侦查。\n"
            f"{c.police}（印）\n{cn_date(c.filed)}"]


def warrant(c: Case, kind: str) -> list[str]:
    detention = kind == "拘留证"
    date = c.detained if detention else c.arrested
    word = "拘" if detention else "捕"
    article = "第八十二条" if detention else "第八十条"
    act = "拘留" if detention else "逮捕"
    return [f"{c.police}\n{spaced(kind)}\n{c.police_short}（刑）{word}字〔{date[:4]}〕{c.serial + 100}号\n"
            f"根据《中华人民共和国刑事诉讼法》{article}之规定，兹决定对涉嫌{c.charge}的犯罪嫌疑人\n"
            f"姓名：{c.suspect}  性别：{c.gender}  出生日期：{ar_date(c.birth)}  民族：{c.ethnicity}\n"
            f"住址：{c.address}\n执行{act}，送{c.detention_centre}羁押。\n"
            f"局长 陈志远\n{c.police}（印）\n{cn_date(date)}\n"
            f"本证已于{ar_date(date)}15时向我宣布。被{act}人：{c.suspect}（捺指印）"]


def interrogation(c: Case, session: int) -> list[str]:
    date = c.interrogations[session - 1]
    head = (f"讯问笔录\n（第{session}次）\n时间：{ar_date(date)}9时10分至{ar_date(date)}11时20分\n"
            f"地点：{c.detention_centre}第三讯问室\n讯问人（签名）：赵明、孙悦  工作单位：{c.police}\n"
            f"记录人（签名）：孙悦\n被讯问人：{c.suspect}\n")
    if session == 1:
        first = (head + "问：我们是" + c.police + "的民警，现依法对你进行讯问，你听清楚了吗？\n答：听清楚了。\n"
                 "问：你的个人情况？\n"
                 f"答：我叫{c.suspect}，{c.gender}，{ar_date(c.birth)}出生，{c.ethnicity}，初中文化，"
                 f"公民身份号码{c.id_number}，户籍地{c.address}。\n"
                 "问：你以前受过什么处罚？\n"
                 f"答：我{ar_date(c.prior_date)}因犯{c.prior_charge}被{c.prior_court}判处{c.prior_sentence}。\n")
        second = ("问：你把事情经过讲一下。\n"
                  f"答：{c.deed}\n问：你对自己的行为怎么认识？\n"
                  + ("答：我知道错了，我愿意认罪认罚。\n" if c.plea else "答：我没有骗她，钱是她借给我的。\n")
                  + "问：你以上所说是否属实？\n答：属实。\n"
                  f"以上笔录我看过，和我说的相符。\n{c.suspect}（捺指印）\n{ar_date(date)}")
        return [first, second]
    return [head + "问：这是对你的第二次讯问，你还有什么补充的吗？\n"
            f"答：没有补充的，我对{c.victim}造成的损失愿意赔偿。\n问：你以上所说是否属实？\n答：属实。\n"
            f"以上笔录我看过，和我说的相符。\n{c.suspect}（捺指印）\n{ar_date(date)}"]


def witness_record(c: Case) -> list[str]:
    return [f"询问笔录\n时间：{ar_date(c.filed)}14时至{ar_date(c.filed)}15时\n地点：{c.police}办案区\n"
            f"询问人（签名）：赵明  工作单位：{c.police}\n被询问人：{c.witness}\n"
            f"问：你把看到的情况讲一下。\n答：那天我看见{c.suspect}从{c.victim}的店里出来，手里拿着东西跑了。\n"
            f"以上笔录我看过，和我说的相符。\n{c.witness}\n{ar_date(c.filed)}"]


def capture(c: Case) -> list[str]:
    return [f"抓 获 经 过\n{ar_date(c.detained)}，我局民警根据群众举报，在{c.address}附近将犯罪嫌疑人{c.suspect}"
            f"抓获，{c.suspect}到案后如实供述了自己的罪行。\n特此说明。\n{c.police}刑侦大队（印）\n{cn_date(c.detained)}"]


def arrest_request(c: Case) -> list[str]:
    no = f"{c.police_short}（刑）提捕字〔{c.arrest_requested[:4]}〕{c.serial + 50}号"
    return [f"{c.police}\n提请批准逮捕书\n{no}\n"
            f"犯罪嫌疑人{_ident(c)}。{ar_date(c.prior_date)}因犯{c.prior_charge}被{c.prior_court}判处{c.prior_sentence}。"
            f"因涉嫌{c.charge}于{ar_date(c.detained)}被我局刑事拘留，现羁押于{c.detention_centre}。\n"
            f"犯罪嫌疑人{c.suspect}涉嫌{c.charge}一案，由被害人{c.victim}于{ar_date(c.accepted)}报案至我局。我局经过审查，"
            f"于{ar_date(c.filed)}立案侦查。犯罪嫌疑人{c.suspect}于{ar_date(c.detained)}被抓获归案。\n",
            f"经依法侦查查明：{c.deed}\n认定上述犯罪事实的证据如下：被害人{c.victim}的陈述，证人{c.witness}的证言，"
            f"犯罪嫌疑人{c.suspect}的供述和辩解等。\n"
            f"综上所述，犯罪嫌疑人{c.suspect}的行为已触犯《中华人民共和国刑法》之规定，涉嫌{c.charge}，可能判处徒刑以上刑罚，"
            f"采取取保候审不足以防止发生社会危险性。依照《中华人民共和国刑事诉讼法》第八十一条之规定，特提请批准逮捕。\n"
            f"此致\n{c.procuratorate}\n{c.police}（印）\n{cn_date(c.arrest_requested)}"]


def arrest_approval(c: Case) -> list[str]:
    no = f"{c.procuratorate_short}批捕〔{c.arrest_approved[:4]}〕{c.serial % 97 + 1}号"
    return [f"{c.procuratorate}\n批准逮捕决定书\n{no}\n{c.police}：\n"
            f"你局于{ar_date(c.arrest_requested)}以{c.police_short}（刑）提捕字〔{c.arrest_requested[:4]}〕{c.serial + 50}号"
            f"提请批准逮捕书提请批准逮捕犯罪嫌疑人{c.suspect}，经本院审查认为，该犯罪嫌疑人涉嫌{c.charge}，"
            f"符合《中华人民共和国刑事诉讼法》第八十一条规定的逮捕条件，决定批准逮捕犯罪嫌疑人{c.suspect}。"
            "请依法立即执行，并将执行情况在三日以内通知本院。\n"
            f"{c.procuratorate}（印）\n{cn_date(c.arrest_approved)}"]


def residence(c: Case) -> list[str]:
    return [f"常住人口登记表\n姓名：{c.suspect}  性别：{c.gender}  民族：{c.ethnicity}\n"
            f"出生日期：{ar_date(c.birth)}\n公民身份号码：{c.id_number}\n住址：{c.address}\n"
            f"文化程度：初中  婚姻状况：未婚\n{c.address[:6]}派出所（户籍专用章）\n{cn_date(c.detained)}"]


def residence_certificate(c: Case) -> list[str]:
    return [f"户 籍 证 明\n兹证明{c.suspect}，{c.gender}，{c.ethnicity}，{ar_date(c.birth)}出生，"
            f"公民身份号码：{c.id_number}，户籍地址：{c.address}。\n特此证明。\n"
            f"{c.address[:6]}派出所（印）\n{cn_date(c.detained)}"]


def prior_judgment(c: Case) -> list[str]:
    year = c.prior_date[:4]
    return [f"{c.prior_court}\n刑事判决书\n{c.prior_case}\n"
            f"公诉机关{c.prior_court.replace('人民法院', '人民检察院')}。\n"
            f"被告人{c.suspect}，{c.gender}，{ar_date(c.birth)}出生，{c.ethnicity}，住{c.address}。"
            f"因涉嫌犯{c.prior_charge}于{year}年1月8日被刑事拘留，同年2月10日被逮捕。\n"
            f"{c.prior_court.replace('人民法院', '人民检察院')}以起诉书指控被告人{c.suspect}犯{c.prior_charge}，"
            f"于{year}年3月1日向本院提起公诉。本院依法适用简易程序，公开开庭审理了本案。现已审理终结。\n"
            f"经审理查明：{year}年1月5日，被告人{c.suspect}在某商场实施了犯罪行为，后被抓获。",
            f"本院认为，被告人{c.suspect}的行为已构成{c.prior_charge}。依照《中华人民共和国刑法》之规定，判决如下：\n"
            f"被告人{c.suspect}犯{c.prior_charge}，判处{c.prior_sentence}。\n"
            "如不服本判决，可在接到判决书的第二日起十日内，通过本院或者直接向上一级人民法院提出上诉。\n"
            f"审判员 刘静\n{cn_date(c.prior_date)}\n书记员 王芳"]


def transfer_opinion(c: Case) -> list[str]:
    no = f"{c.police_short}（刑）诉字〔{c.transferred[:4]}〕{c.serial + 200}号"
    plea = f"犯罪嫌疑人{c.suspect}自愿认罪认罚。" if c.plea else ""
    return [f"{c.police}\n起 诉 意 见 书\n{no}\n"
            f"犯罪嫌疑人{_ident(c)}。{ar_date(c.prior_date)}因犯{c.prior_charge}被{c.prior_court}判处{c.prior_sentence}。"
            f"因涉嫌{c.charge}于{ar_date(c.detained)}被我局刑事拘留，"
            + (f"经{c.procuratorate}批准，于{ar_date(c.arrested)}被我局执行逮捕，现羁押于{c.detention_centre}。\n"
               if c.arrest_approved else f"{ar_date(c.arrested)}被我局取保候审。\n")
            + f"犯罪嫌疑人{c.suspect}涉嫌{c.charge}一案，由被害人{c.victim}于{ar_date(c.accepted)}报案至我局，"
            f"我局于{ar_date(c.filed)}立案侦查。现已侦查终结。\n",
            f"经依法侦查查明：{c.deed}\n认定上述犯罪事实的证据如下：被害人{c.victim}的陈述，证人{c.witness}的证言等。\n"
            f"上述犯罪事实清楚，证据确实、充分，足以认定。{plea}\n"
            f"综上所述，犯罪嫌疑人{c.suspect}的行为已触犯《中华人民共和国刑法》之规定，涉嫌{c.charge}。"
            f"依照《中华人民共和国刑事诉讼法》第一百六十二条之规定，现将此案移送审查起诉。\n"
            f"此致\n{c.procuratorate}\n{c.police}（印）\n{cn_date(c.transferred)}"]


def bail(c: Case) -> list[str]:
    no = f"{c.police_short}（刑）取保字〔{c.arrested[:4]}〕{c.serial + 300}号"
    return [f"{c.police}\n取保候审决定书\n{no}\n"
            f"我局正在侦查{c.suspect}涉嫌{c.charge[:-1]}案，因犯罪嫌疑人{c.suspect}（性别{c.gender}，出生日期{ar_date(c.birth)}，"
            f"住址{c.address}）可能判处管制、拘役或者独立适用附加刑，根据《中华人民共和国刑事诉讼法》第六十七条之规定，"
            f"决定对其取保候审，期限从{ar_date(c.arrested)}起算。犯罪嫌疑人应当接受保证人的监督。\n"
            f"{c.police}（印）\n{cn_date(c.arrested)}"]


def release(c: Case) -> list[str]:
    return [f"{c.police}释放通知书\n（副本）\n{c.detention_centre}：\n"
            f"因犯罪嫌疑人{c.suspect}被取保候审，请将其立即释放，并发给释放证明书。\n{c.police}（印）\n{cn_date(c.arrested)}"]


def expert_opinion(c: Case) -> list[str]:
    return [f"{c.address[:3]}公安司法鉴定中心\n鉴 定 书\n{c.police_short}司鉴字〔{c.filed[:4]}〕{c.serial % 50 + 1}号\n"
            f"委托单位：{c.police}\n送检材料：涉案手机一部。\n鉴定意见：送检手机价值人民币四千五百元。\n"
            f"鉴定人：郑伟  主检法医师\n{c.address[:3]}公安司法鉴定中心（鉴定专用章）\n{cn_date(c.filed)}"]


def seizure(c: Case) -> list[str]:
    return [f"扣押物品、文件清单\n{c.police_short}（刑）扣字〔{c.filed[:4]}〕{c.serial % 40 + 2}号\n"
            f"编号 名称 数量 特征\n1 手机 1部 黑色\n持有人：{c.suspect}  见证人：{c.witness}\n"
            f"办案单位：{c.police}\n{ar_date(c.detained)}"]


def plea_statement(c: Case) -> list[str]:
    return [f"认罪认罚具结书\n一、犯罪嫌疑人身份信息\n本人姓名{c.suspect}，{c.gender}，{ar_date(c.birth)}出生，"
            f"公民身份号码{c.id_number}。\n二、权利知悉\n本人已阅读《认罪认罚从宽制度告知书》，理解认罪认罚的性质和法律后果。\n"
            f"三、认罪认罚内容\n本人知悉并认可{c.procuratorate}指控的犯罪事实，构成{c.charge}。同意检察机关的量刑建议。\n"
            f"四、自愿签署声明\n本人自愿签署本具结书。\n具结人：{c.suspect}\n辩护人：郭律师\n{ar_date(c.transferred)}"]


CASES = (
    Case("王建国", "男", "1990-05-12", "汉族", "110105", "北京市朝阳区安华里三区5号楼", "盗窃罪",
         "2026年3月1日晚，犯罪嫌疑人王建国在朝阳区某便利店内趁店主不备窃取现金人民币三千二百元后逃离。",
         "李春生", "周晓梅", "北京市公安局朝阳分局", "京公朝", "北京市朝阳区人民检察院", "京朝检",
         "北京市朝阳区看守所", "2026-03-01", "2026-03-02", "2026-03-03", "2026-03-06", "2026-03-12",
         "2026-03-12", ("2026-03-03", "2026-03-20"), "2026-04-28", "北京市丰台区人民法院",
         "（2019）京0106刑初456号", "盗窃罪", "2019-05-20", "有期徒刑八个月", 315),
    Case("马小军", "男", "1985-11-03", "回族", "640104", "银川市兴庆区清河街道民乐巷12号", "故意伤害罪",
         "2026年2月14日凌晨，犯罪嫌疑人马小军在兴庆区某烧烤店因琐事与被害人杨志强发生争执，持啤酒瓶击打杨志强头部，致其轻伤一级。",
         "杨志强", "丁慧", "银川市公安局兴庆区分局", "银兴公", "银川市兴庆区人民检察院", "银兴检",
         "银川市看守所", "2026-02-14", "2026-02-15", "2026-02-16", "2026-02-20", "2026-02-27",
         "2026-02-27", ("2026-02-16", "2026-03-10"), "2026-04-10", "银川市金凤区人民法院",
         "（2020）宁0106刑初88号", "寻衅滋事罪", "2020-09-15", "有期徒刑一年", 77),
    Case("陈丽娟", "女", "1979-02-26", "汉族", "440306", "深圳市宝安区西乡街道固戍一路8号", "诈骗罪",
         "2026年1月至2月，犯罪嫌疑人陈丽娟以帮助办理入学为名，先后骗取被害人黄永明人民币六万元。",
         "黄永明", "刘海燕", "深圳市公安局宝安分局", "深公宝", "深圳市宝安区人民检察院", "深宝检",
         "深圳市宝安区看守所", "2026-02-20", "2026-02-21", "2026-02-22", "2026-02-26", "2026-03-04",
         "2026-03-05", ("2026-02-22", "2026-03-15"), "2026-04-20", "深圳市南山区人民法院",
         "（2017）粤0305刑初1203号", "诈骗罪", "2017-11-08", "有期徒刑一年六个月", 1203, plea=False),
    Case("林志华", "男", "1996-07-19", "壮族", "450103", "南宁市青秀区民族大道88号", "盗窃罪",
         "2026年3月8日，犯罪嫌疑人林志华在青秀区某商场内窃取被害人韦秋菊手机一部，价值人民币四千五百元。",
         "韦秋菊", "黄志刚", "南宁市公安局青秀分局", "邕公青", "南宁市青秀区人民检察院", "邕青检",
         "南宁市第一看守所", "2026-03-08", "2026-03-09", "2026-03-09", "", "",
         "2026-03-15", ("2026-03-09", "2026-03-25"), "2026-04-30", "南宁市兴宁区人民法院",
         "（2021）桂0102刑初310号", "盗窃罪", "2021-06-30", "拘役四个月", 408),
)


def _truth(c: Case) -> dict[str, Any]:
    prior_year = c.prior_date[:4]
    return {"defendants": [{
        "name": c.suspect, "gender": c.gender, "birth_date": c.birth, "ethnicity": c.ethnicity,
        "id_number": c.id_number, "charges": [c.charge],
        "custody_events": [{"measure": "刑事拘留", "date": c.detained}, {"measure": "逮捕", "date": c.arrested}],
        "prior_convictions": [{"charge": c.prior_charge, "year": prior_year}],
        "on_probation_at_offense": False,
    }], "guilty_plea_leniency": c.plea, "court": None}


def build_volumes() -> list[Volume]:
    """Three volumes in different orders, with blank backs, a 此页无正文 back and a prior judgment."""
    a, b, c = CASES[:3]
    v1 = Volume("volume-1-朝阳盗窃")
    v1.add("受案登记表", "受案登记表", acceptance(a), backs=1)
    v1.add("立案决定书", "立案决定书", filing(a))
    v1.add("拘留证", "拘留证", warrant(a, "拘留证"), backs=1)
    v1.add("讯问笔录", "讯问笔录（第1次）", interrogation(a, 1))
    v1.add("询问笔录", "询问笔录", witness_record(a))
    v1.add("提请批准逮捕书", "提请批准逮捕书", arrest_request(a), no_text_back=True)
    v1.add("批准逮捕决定书", "批准逮捕决定书", arrest_approval(a))
    v1.add("逮捕证", "逮捕证", warrant(a, "逮捕证"), backs=1)
    v1.add("讯问笔录", "讯问笔录（第2次）", interrogation(a, 2))
    v1.add("常住人口登记表", "户籍证明", residence_certificate(a), backs=1)
    v1.add("刑事判决书", "刑事判决书", prior_judgment(a))
    v1.add("起诉意见书", "起诉意见书", transfer_opinion(a))
    v1.facts = _truth(a)

    v2 = Volume("volume-2-兴庆伤害")
    v2.add("受案登记表", "受案登记表", acceptance(b))
    v2.add("到案经过", "抓获经过", capture(b))
    v2.add("拘留证", "拘留证", warrant(b, "拘留证"))
    v2.add("讯问笔录", "讯问笔录（第1次）", interrogation(b, 1), backs=1)
    v2.add("讯问笔录", "讯问笔录（第2次）", interrogation(b, 2))
    v2.add("常住人口登记表", "常住人口登记表", residence(b))
    v2.add("提请批准逮捕书", "提请批准逮捕书", arrest_request(b))
    v2.add("批准逮捕决定书", "批准逮捕决定书", arrest_approval(b))
    v2.add("逮捕证", "逮捕证", warrant(b, "逮捕证"))
    v2.add("刑事判决书", "刑事判决书", prior_judgment(b), backs=1)
    v2.add("起诉意见书", "起诉意见书", transfer_opinion(b), no_text_back=True)
    v2.facts = _truth(b)

    v3 = Volume("volume-3-宝安诈骗")
    v3.add("起诉意见书", "起诉意见书", transfer_opinion(c))
    v3.add("立案决定书", "立案决定书", filing(c))
    v3.add("拘留证", "拘留证", warrant(c, "拘留证"))
    v3.add("提请批准逮捕书", "提请批准逮捕书", arrest_request(c))
    v3.add("批准逮捕决定书", "批准逮捕决定书", arrest_approval(c))
    v3.add("逮捕证", "逮捕证", warrant(c, "逮捕证"), backs=1)
    v3.add("讯问笔录", "讯问笔录（第1次）", interrogation(c, 1))
    v3.add("讯问笔录", "讯问笔录（第2次）", interrogation(c, 2))
    v3.add("询问笔录", "询问笔录", witness_record(c))
    v3.add("常住人口登记表", "户籍证明", residence_certificate(c))
    v3.add("刑事判决书", "刑事判决书", prior_judgment(c), no_text_back=True)
    v3.facts = _truth(c)

    d = CASES[3]
    v4 = Volume("volume-4-青秀取保")
    v4.add("受案登记表", "受案登记表", acceptance(d))
    v4.add("立案决定书", "立案决定书", filing(d))
    v4.add("扣押清单", "扣押物品、文件清单", seizure(d))
    v4.add("鉴定意见", "鉴定书", expert_opinion(d), backs=1)
    v4.add("拘留证", "拘留证", warrant(d, "拘留证"))
    v4.add("讯问笔录", "讯问笔录（第1次）", interrogation(d, 1))
    v4.add("取保候审决定书", "取保候审决定书", bail(d))
    v4.add("释放通知书", "释放通知书", release(d))
    v4.add("讯问笔录", "讯问笔录（第2次）", interrogation(d, 2))
    v4.add("常住人口登记表", "户籍证明", residence_certificate(d))
    v4.add("刑事判决书", "刑事判决书", prior_judgment(d))
    v4.add("起诉意见书", "起诉意见书", transfer_opinion(d))
    v4.add("认罪认罚具结书", "认罪认罚具结书", plea_statement(d), no_text_back=True)
    v4.facts = _truth(d)
    v4.facts["defendants"][0]["custody_events"][1] = {"measure": "取保候审", "date": d.arrested}
    return [v1, v2, v3, v4]
