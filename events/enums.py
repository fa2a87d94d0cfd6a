"""Statuses and kinds of the events app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventStatus(models.TextChoices):
    PREPARING = "preparing", _("準備中")
    RECRUITING = "recruiting", _("企業募集中")
    HEARING = "hearing", _("ヒアリング中")
    PUBLISHED = "published", _("課題公開済")
    SELECTION = "selection", _("選考中")
    TIMETABLING = "timetabling", _("時間割作成中")
    HELD = "held", _("開催済")
    FOLLOW_UP = "follow_up", _("フォローアップ中")
    CLOSED = "closed", _("終了")


# The lifecycle is a straight line; each step has its own service in events.services.events.
EVENT_STATUS_ORDER: list[str] = [
    EventStatus.PREPARING,
    EventStatus.RECRUITING,
    EventStatus.HEARING,
    EventStatus.PUBLISHED,
    EventStatus.SELECTION,
    EventStatus.TIMETABLING,
    EventStatus.HELD,
    EventStatus.FOLLOW_UP,
    EventStatus.CLOSED,
]


class ChecklistTaskKind(models.TextChoices):
    HOST_AGREEMENT = "host_agreement", _("共催機関との開催合意")
    VENUE = "venue", _("会場の確保")
    BRANCH_BRIEFING = "branch_briefing", _("支店長説明会")
    COMPANY_RECRUITMENT = "company_recruitment", _("参加企業の募集")
    HEARINGS = "hearings", _("事前ヒアリングの実施")
    ISSUE_LIST = "issue_list", _("課題一覧の作成・公開")
    SENIOR_RECRUITMENT = "senior_recruitment", _("新現役の募集")
    SELECTION = "selection", _("相互選考の締切")
    TIMETABLE = "timetable", _("時間割の作成")
    PRINTING = "printing", _("配布資料の印刷")
    CUSTOM = "custom", _("その他")


class HearingStatus(models.TextChoices):
    DRAFT = "draft", _("作成中")
    SUBMITTED = "submitted", _("企業の承認待ち")
    RETURNED = "returned", _("企業から差し戻し")
    APPROVED = "approved", _("企業承認済")


class IssueCategory(models.TextChoices):
    SALES = "sales", _("販路開拓")
    PRODUCT = "product", _("新商品開発")
    HR = "hr", _("人材育成")
    DX = "dx", _("DX・IT")
    OVERSEAS = "overseas", _("海外展開")
    SUCCESSION = "succession", _("事業承継")
    FINANCE = "finance", _("財務")
    PRODUCTION = "production", _("生産管理")
    QUALITY = "quality", _("品質")
    MANAGEMENT = "management", _("経営全般")
    OTHER = "other", _("その他")


class SupportForm(models.TextChoices):
    SPOT = "spot", _("スポットの助言")
    ONGOING = "ongoing", _("継続的な支援")
    PROJECT = "project", _("プロジェクト単位の支援")


class PaymentCapacity(models.TextChoices):
    SUBSIDY_ONLY = "subsidy_only", _("補助制度の範囲内（自己負担なし）")
    SMALL = "small", _("月5万円程度まで")
    MEDIUM = "medium", _("月5万〜20万円程度")
    LARGE = "large", _("月20万円以上も検討可")
    UNDECIDED = "undecided", _("未定・相談したい")


class ApprovalMethod(models.TextChoices):
    COMPANY_LOGIN = "company_login", _("企業がログインして承認")
    VISIT = "visit", _("訪問して確認")
    PHONE = "phone", _("電話で確認")
    EMAIL = "email", _("メールで確認")
    DOCUMENT = "document", _("書面で確認")


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("下書き")
    SUBMITTED = "submitted", _("応募済")
    WITHDRAWN = "withdrawn", _("辞退")


class ChoiceDecision(models.TextChoices):
    PENDING = "pending", _("未回答")
    ACCEPTED = "accepted", _("面談を希望")
    DECLINED = "declined", _("見送り")


class RequestKind(models.TextChoices):
    """How a pair came to be on the timetable's request list (sks-timetable-problem/1 `kind`)."""

    MUTUAL = "mutual", _("相互希望")
    COMPANY = "company", _("企業から招待")
    SENIOR = "senior", _("新現役から応募")
