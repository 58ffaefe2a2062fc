"""The one exception tree of casefile.

Every error has a stable ``code`` (for the UI, the API and the logs), a short ``message`` a clerk
understands (Simplified Chinese) and a ``hint`` that says what to do next. Codes live here and only
here; third-party exceptions are translated into these at one boundary per integration.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ErrorSpec:
    """A registered error: its code, HTTP status, message and next step."""

    code: str
    status: int
    message: str
    hint: str


_REGISTRY: dict[str, ErrorSpec] = {}


def _spec(code: str, status: int, message: str, hint: str) -> ErrorSpec:
    spec = ErrorSpec(code, status, message, hint)
    _REGISTRY[code] = spec
    return spec


# Upload and file content
EMPTY_FILE = _spec("empty_file", 422, "文件是空的（0 字节）。", "请检查扫描或导出是否成功，然后重新上传。")
UNSUPPORTED_TYPE = _spec(
    "unsupported_type", 415, "不支持这种文件类型。",
    "请上传 PDF、TIFF、JPEG、PNG、DOCX 或 TXT 文件。",
)
TYPE_MISMATCH = _spec(
    "type_mismatch", 415, "文件内容与扩展名不符。",
    "文件可能已损坏或被改名，请用原始文件重新上传。",
)
FILE_TOO_LARGE = _spec("file_too_large", 413, "文件太大。", "请拆分成较小的文件后分别上传。")
REQUEST_TOO_LARGE = _spec(
    "request_too_large", 413, "提交的内容太大。", "请检查填写的内容；上传文件请使用上传功能。"
)
UPLOAD_TOO_SLOW = _spec(
    "upload_too_slow", 408, "上传太慢，服务器已断开连接。", "请检查网络连接后重新上传。"
)
SERVER_BUSY = _spec(
    "server_busy", 503, "服务器正在接收的上传太多。", "请稍等片刻后重新上传。"
)
TOO_MANY_PAGES = _spec("too_many_pages", 422, "文件页数超过上限。", "请拆分成较小的文件后分别上传。")
IMAGE_TOO_LARGE = _spec(
    "image_too_large", 422, "图像尺寸过大，无法安全处理。",
    "请以 300 DPI 以下的分辨率重新扫描。",
)
PDF_ENCRYPTED = _spec(
    "pdf_encrypted", 422, "PDF 文件有密码保护，无法读取。",
    "请取消密码保护（或向制作单位索取未加密版本）后重新上传。",
)
PDF_DAMAGED = _spec(
    "pdf_damaged", 422, "PDF 文件已损坏或不完整，无法读取。",
    "文件可能没有传输完整，请重新导出或重新扫描后上传。",
)
IMAGE_DAMAGED = _spec(
    "image_damaged", 422, "图像文件已损坏或不完整，无法读取。",
    "请重新扫描或重新导出后上传。",
)
DOCX_DAMAGED = _spec("docx_damaged", 422, "Word 文件已损坏，无法读取。", "请用 Word 另存为 DOCX 后重新上传。")
TEXT_ENCODING = _spec(
    "text_encoding", 422, "文本文件的编码无法识别。", "请另存为 UTF-8 编码的文本后重新上传。"
)
FILE_NOT_READABLE = _spec(
    "file_not_readable", 422, "无法读取该文件。", "请检查文件路径和访问权限。"
)
DUPLICATE_DOCUMENT = _spec(
    "duplicate_document", 409, "该文件已上传到本案件，未重复处理。", "无需操作；可在案件的文件列表中查看。"
)

# Processing
OCR_FAILED = _spec("ocr_failed", 500, "文字识别失败。", "请点击“重试”；如仍失败，请联系管理员。")
OCR_ENGINE_UNAVAILABLE = _spec(
    "ocr_engine_unavailable", 503, "文字识别引擎不可用。", "请联系管理员检查 OCR 引擎的安装。"
)
PROCESSING_TIMEOUT = _spec(
    "processing_timeout", 500, "文件多次处理均未能在规定时间内完成。",
    "文件可能过大或已损坏：请拆分或重新扫描后上传；如仍失败，请联系管理员。",
)
PROCESSING_FAILED = _spec(
    "processing_failed", 500, "处理文件时发生内部错误。", "请点击“重试”；如仍失败，请联系管理员并提供文件编号。"
)

# Lookup and requests
CASE_NOT_FOUND = _spec("case_not_found", 404, "找不到该案件。", "请检查案号是否正确。")
DOCUMENT_NOT_FOUND = _spec("document_not_found", 404, "找不到该文件。", "请检查文件编号是否正确。")
PAGE_NOT_FOUND = _spec("page_not_found", 404, "找不到该页。", "请检查页码是否在文件的页数范围内。")
CASE_EXISTS = _spec("case_exists", 409, "本单位已有该案号的案件。", "请直接打开已有案件，或使用其他案号。")
CASE_AMBIGUOUS = _spec(
    "case_ambiguous", 409, "该案号对应多个单位的案件，无法确定要办理哪一个。",
    "请联系移送单位核对案号；命令行可用 --agency 指定案件所属单位。",
)
CASE_NOT_HELD = _spec(
    "case_not_held", 403, "本案当前不由本单位办理，不能添加或修改材料，也不能移送。",
    "移送只授予阅卷和审核权限；接收移送后方可添加本单位的材料。如需补充，请联系当前办理单位。",
)
DOCUMENT_NOT_OWN = _spec(
    "document_not_own", 403, "该文件由其他单位提交，本单位不能删除或重新处理。",
    "请联系提交该文件的单位办理。",
)
INVALID_CASE_NUMBER = _spec("invalid_case_number", 422, "案号不能为空。", "请填写案号，例如（2024）京0105刑初123号。")
INVALID_REQUEST = _spec("invalid_request", 422, "请求内容不正确。", "请检查填写的内容后重试。")
NOT_FOUND = _spec("not_found", 404, "找不到该页面或资源。", "请检查地址是否正确。")
INVALID_QUERY = _spec("invalid_query", 422, "检索条件不正确。", "请输入要查找的词语，例如人名、罪名或一句原文。")
SEARCH_UNAVAILABLE = _spec(
    "search_unavailable", 503, "检索服务暂不可用。", "请稍后重试；管理员可运行 casefile reindex 重建索引。"
)
SEARCH_BACKEND_UNKNOWN = _spec(
    "search_backend_unknown", 500, "未知的检索后端。",
    "请将 CASEFILE_SEARCH_BACKEND 设置为已注册的后端，例如 tantivy 或 elasticsearch。",
)
SEARCH_MISCONFIGURED = _spec(
    "search_misconfigured", 500, "检索服务配置不完整。",
    "tantivy 后端需要索引目录；elasticsearch 后端需要设置 CASEFILE_ES_URL。",
)
# Identity and permissions
NOT_AUTHENTICATED = _spec(
    "not_authenticated", 401, "请先登录。", "请使用本单位分配的账号登录后再操作。"
)
BAD_CREDENTIALS = _spec("bad_credentials", 401, "用户名或密码不正确。", "请检查后重新输入；连续多次输错须等待一段时间才能再试。")
# The message names the time to try again (``sign_in_throttled_message``); the same answer
# whether or not the user name exists.
SIGN_IN_THROTTLED = _spec(
    "sign_in_throttled", 429, "尝试次数过多，请稍后再试。",
    "如忘记密码，请联系本单位管理员重置。",
)
SIGN_IN_BUSY = _spec(
    "sign_in_busy", 429, "同时登录的人太多，请稍后再试。", "请等几秒钟后重新登录。"
)
SESSION_EXPIRED = _spec("session_expired", 401, "登录已过期。", "请重新登录。")
FORBIDDEN = _spec("forbidden", 403, "您的角色无权执行此操作。", "如需此权限，请联系本单位管理员。")
CSRF_FAILED = _spec("csrf_failed", 403, "页面已过期或请求来源不可信。", "请刷新页面后重试。")
USER_EXISTS = _spec("user_exists", 409, "该用户名已存在。", "请换一个用户名。")
USER_NOT_FOUND = _spec("user_not_found", 404, "找不到该用户。", "请检查用户名是否正确。")
INVALID_ROLE = _spec("invalid_role", 422, "角色不正确。", "可选角色：clerk、investigator、prosecutor、judge、reviewer、admin。")
WEAK_PASSWORD = _spec("weak_password", 422, "密码太短。", "请使用至少 10 个字符的密码。")
AGENCY_NOT_MANAGED = _spec(
    "agency_not_managed", 403, "管理员只能管理本单位的用户。",
    "请由该单位的管理员办理；新单位的第一个管理员请在服务器上用 casefile users add 创建。",
)

# Transfers and review
AGENCY_NOT_FOUND = _spec("agency_not_found", 422, "找不到接收单位。", "请从单位列表中选择接收单位；如单位尚未登记，请联系管理员添加。")
TRANSFER_NOT_ALLOWED = _spec("transfer_not_allowed", 422, "不能向该单位移送此表单。", "请核对表单类型与接收单位是否对应。")
DOCUMENT_TYPE_UNKNOWN = _spec("document_type_unknown", 422, "文书类型不在标准类型表中。", "请从列表中选择文书类型。")
# A clerk's corrections of a file's catalogue (卷内目录): nlp.catalogue.edits
CATALOGUE_ENTRY_NOT_FOUND = _spec(
    "catalogue_entry_not_found", 409, "卷内目录中没有这份文书。",
    "目录可能刚被更改过，请刷新页面后再操作。",
)
CATALOGUE_CHANGED = _spec(
    "catalogue_changed", 409, "卷内目录刚被更改过（可能是其他人或另一个窗口），这次更正没有保存。",
    "请刷新页面，查看最新的目录，确认仍需更正后再操作。",
)
CATALOGUE_NOTHING_TO_UNDO = _spec(
    "catalogue_nothing_to_undo", 409, "这个文件的卷内目录没有可撤销的更正。",
    "目录还没有被更正过，或更正已全部撤销；请刷新页面查看最新的目录。",
)
CATALOGUE_SPLIT_OUTSIDE = _spec(
    "catalogue_split_outside", 422, "拆分页不在这份文书的页码范围内。",
    "拆分页须在这份文书之内、且不是它的首页：新文书从拆分页开始。",
)
CATALOGUE_MERGE_LAST = _spec(
    "catalogue_merge_last", 422, "这是本文件目录中的最后一份文书，没有可合并的下一份。",
    "“合并”把一份文书与它下面的一份合为一份：请在上一份文书上点“合并”。",
)
CATALOGUE_MOVE_EDGE = _spec(
    "catalogue_move_edge", 422, "这份文书已在本文件目录的一端，不能再移动。",
    "“上移”“下移”调整同一文件内文书的顺序；文件之间按上传顺序排列。",
)
CATALOGUE_TITLE_EMPTY = _spec("catalogue_title_empty", 422, "文书名称不能为空。", "请填写文书名称，例如“拘留证”。")
CATALOGUE_LAST_ENTRY = _spec(
    "catalogue_last_entry", 422, "这是文件中仅剩的一份文书，不能从目录中删除。",
    "如果整个文件传错了，请在上方文件列表中删除该文件。",
)
CATALOGUE_EDIT_INVALID = _spec(
    "catalogue_edit_invalid", 422, "目录更正的内容不正确。", "请刷新页面后重新操作；如仍出错，请联系管理员。",
)
TRANSFER_OPENED = _spec("transfer_opened", 409, "接收单位已打开此移送，不能再撤回。", "如需更改，请联系接收单位退回后重新移送。")
TRANSFER_PENDING = _spec("transfer_pending", 409, "这份表单已移送给该单位，正在等待审核。", "无需重复移送；如需更改，请先撤回原移送，再重新移送。")
TRANSFER_INCOMPLETE = _spec("transfer_incomplete", 422, "移送材料不齐全。", "请先上传缺少的材料，再办理移送。")
TRANSFER_NOT_FOUND = _spec("transfer_not_found", 404, "找不到该移送记录。", "请检查编号是否正确。")
TRANSFER_CLOSED = _spec("transfer_closed", 409, "该移送已办结（已接收或已退回），不能再修改。", "如需更正，请由移送单位重新移送。")
NOT_RECEIVER = _spec("not_receiver", 403, "只有接收单位可以审核该表单。", "请由接收单位的审核人员办理。")
NOT_SENDER = _spec("not_sender", 403, "只有移送单位可以撤回移送。", "如需退回，请使用“退回”并说明理由。")
FIELD_INVALID = _spec("field_invalid", 422, "填写的内容未通过校验。", "请按提示修改后重新提交。")
FIELD_NEEDS_VALUE = _spec("field_needs_value", 422, "该字段没有可确认的预填内容。", "请填写正确的内容并说明理由（更正）。")
REASON_REQUIRED = _spec("reason_required", 422, "请填写理由。", "更正字段或退回移送时必须说明理由。")
REVIEW_INCOMPLETE = _spec("review_incomplete", 422, "还有必填字段未确认或未更正。", "请逐项确认或更正后再接收。")
REVIEW_CONFLICT = _spec("review_conflict", 409, "另一位审核人员刚刚修改了同一字段。", "请刷新页面查看最新内容后再操作。")
FORM_RECORD_NOT_FOUND = _spec("form_record_not_found", 404, "找不到该表单记录。", "请检查编号是否正确。")
TRIAGE_REASON_REQUIRED = _spec("triage_reason_required", 422, "请填写理由。", "确认或否定繁简分流建议时必须说明理由。")
CUSTODY_RECORD_INVALID = _spec(
    "custody_record_invalid", 422, "延长期限或变更强制措施的记录不完整。",
    "请填写姓名、日期、措施或延长情形，以及决定文书的文号（或选择本案文书）。",
)
HANDLER_INVALID = _spec(
    "handler_invalid", 422, "承办人须是当前办理本案的单位的在职办案人员。",
    "请从本单位的侦查、检察或审判人员中选择承办人；本案已移送他单位的，由接收单位指定。",
)
CUSTODY_RECORD_NOT_FOUND = _spec("custody_record_not_found", 404, "找不到该期限记录。", "请刷新页面后重试。")

# Infrastructure
DATABASE_UNAVAILABLE = _spec(
    "database_unavailable", 503, "数据库暂时无法连接。", "请稍后重试；如持续出现，请联系管理员检查数据库服务。"
)
AUDIT_KEY_INVALID = _spec(
    "audit_key_invalid", 500, "审计密钥无法使用。",
    "CASEFILE_AUDIT_KEY 或审计密钥文件须至少 32 个字符且可读；请修正后重新启动。",
)
AUDIT_KEY_MISMATCH = _spec(
    "audit_key_mismatch", 500, "审计密钥与检查点文件的签署密钥不符。",
    "请换回签署检查点的原审计密钥（CASEFILE_AUDIT_KEY 或密钥文件）后重新启动，并运行 casefile audit verify。",
)
STORAGE_FULL = _spec(
    "storage_full", 507, "服务器存储空间已满，文件未保存。", "请联系管理员清理或扩充存储空间后重新上传。"
)
STORAGE_FAILED = _spec(
    "storage_failed", 503, "文件未能保存到服务器。", "请稍后重新上传；如持续出现，请联系管理员检查存储。"
)
BROKER_UNAVAILABLE = _spec(
    "broker_unavailable", 503, "任务队列暂时无法连接，文件已保存但尚未开始处理。",
    "无需重新上传；队列恢复后处理程序会自动接续，也可稍后在文件列表点击“重试”。",
)

NOT_SCANNED = _spec(
    "not_scanned", 409, "该文件没有扫描页，本身即可检索。", "请直接下载原件；可检索 PDF 只为扫描件生成。"
)
DOCUMENT_NOT_READY = _spec(
    "document_not_ready", 409, "该文件尚未处理完成。", "请等文件状态变为“完成”后再试。"
)

# Rendering for the viewer and the searchable PDF (a limited process: ingest.render_job)
RENDER_LIMIT_EXCEEDED = _spec(
    "render_limit_exceeded", 422, "该页面过大或过于复杂，超出了安全处理的限度，无法生成图像。",
    "请下载原件查看；如需可检索 PDF，请以 300 DPI 以下的分辨率重新扫描后上传。",
)
RENDER_FAILED = _spec(
    "render_failed", 500, "生成页面图像失败。", "请稍后重试；如仍失败，请下载原件查看，并联系管理员。"
)
RENDER_BUSY = _spec(
    "render_busy", 503, "服务器正忙于生成其他页面图像。", "请稍后几秒再试。"
)
TOO_MANY_SEARCHES = _spec(
    "too_many_searches", 429, "您同时进行的检索过多。", "请等待正在进行的检索完成后再试。"
)

NO_FILES = _spec("no_files", 422, "没有选择要上传的文件。", "请选择一个或多个文件后再上传。")

# Intake forms
FORM_UNKNOWN = _spec("form_unknown", 404, "没有这种表单。", "请使用 casefile forms list 查看可用的表单编号。")
FORM_FIELD_UNKNOWN = _spec("form_field_unknown", 422, "表单没有这个字段。", "请检查字段名称。")
FORM_TEMPLATE_INVALID = _spec(
    "form_template_invalid", 500, "表单模板有误，无法加载。", "请联系管理员检查 nlp/forms/templates 中的模板文件。"
)
FONT_MISSING = _spec(
    "font_missing", 503, "找不到中文字体，无法生成 PDF。", "请安装字体：apt-get install fonts-arphic-uming"
)


class CasefileError(Exception):
    """Base of every error casefile raises on purpose.

    ``detail`` is for logs and engineers (never shown as the message); ``message`` and ``hint``
    default to the registered text and may be overridden with something more specific.
    """

    def __init__(
        self,
        spec: ErrorSpec,
        detail: str = "",
        *,
        message: str | None = None,
        hint: str | None = None,
        retry_after: int | None = None,
    ) -> None:
        self.spec = spec
        # seconds until trying again makes sense (sent as Retry-After), for 429 and 503 answers
        self.retry_after = retry_after
        self.code = spec.code
        self.status = spec.status
        self.message = message or spec.message
        self.hint = hint or spec.hint
        self.detail = detail
        super().__init__(f"[{self.code}] {self.message} {detail}".strip())

    def to_dict(self) -> dict[str, str]:
        """The JSON body of the API's error responses."""
        return {"code": self.code, "message": self.message, "hint": self.hint}


def lookup(code: str) -> ErrorSpec | None:
    """The registered spec for ``code``, if any (used to re-hydrate stored failures)."""
    return _REGISTRY.get(code)


def all_codes() -> list[str]:
    """Every registered code, for documentation and tests."""
    return sorted(_REGISTRY)
