"""Pages of the alumni networks. Every page of a network goes through alumni.access first: an outsider, and a
member or office of another organisation's network, gets 404 exactly as for a missing page."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from participants.models import User
from participants.selectors import search_keywords, search_text_match
from sks.access import role_required, signed_in_required, signed_in_user
from sks.export import attach_file_name, download_name
from sks.personal_data import Person, personal_data_export
from sks.roles import Role

from . import access, forms, services
from .access import Viewer
from .enums import FeedbackStatus, HelpOutcome, MemberStatus, PostKind, RsvpStatus, Visibility
from .models import PRIVATE_FIELDS, AlumniMember

PAGE_SIZE = 20


def _viewer(request: HttpRequest, network: int, *, office: bool = False, member: bool = False) -> Viewer:
    viewer = access.access_network(user=signed_in_user(request), pk=network, office=office)
    if member and viewer.member is None:
        raise Http404
    return viewer


def _errors_to_form(form: Any, exc: services.AlumniError) -> None:
    field = exc.field if exc.field in getattr(form, "fields", {}) else None
    form.add_error(field, exc.message)


# --- entry ---------------------------------------------------------------------------------------------------


@signed_in_required
def home(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    viewers = access.networks_of(user)
    office_orgs = [m.organization for m in user.active_memberships if m.role == Role.ALUMNI_OFFICE]
    without_network = [o for o in office_orgs if access.network_of_office(user, o.pk) is None]
    if not viewers and not without_network:
        raise Http404
    if len(viewers) == 1 and not without_network:
        return redirect("alumni:network_home", viewers[0].network.pk)
    return render(
        request,
        "alumni/home.html",
        {"viewers": viewers, "without_network": without_network, "form": forms.NetworkForm()},
    )


@require_POST
@role_required(Role.ALUMNI_OFFICE)
def network_create(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    org = next(
        (
            m.organization
            for m in user.active_memberships
            if m.role == Role.ALUMNI_OFFICE and access.network_of_office(user, m.organization_id) is None
        ),
        None,
    )
    if org is None:
        raise Http404
    form = forms.NetworkForm(request.POST)
    if not form.is_valid():
        return render(request, "alumni/home.html", {"viewers": [], "without_network": [org], "form": form}, status=400)
    network = services.network_create(organization=org, by=user, **form.cleaned_data)
    messages.success(request, _("OB・OGネットワークを作成しました。参加用リンクを元職員の方に案内してください。"))
    return redirect("alumni:network_home", network.pk)


def join(request: HttpRequest, code: str) -> HttpResponse:
    """The signup link the office hands out: a newcomer makes an account here, a signed-in user just joins."""
    network = access.access_network_by_code(code=code)
    user = request.user if request.user.is_authenticated else None
    existing = access.membership_of(user=signed_in_user(request), network=network) if user is not None else None
    if existing is not None and existing.status != MemberStatus.LEFT:
        return render(request, "alumni/join_status.html", {"network": network, "member": existing})
    form_class = forms.JoinForm if user is not None else forms.JoinSignupForm
    initial = {"name": user.name, "name_kana": user.name_kana} if isinstance(user, User) else {}
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {
            "name": data["name"],
            "name_kana": data["name_kana"],
            "employee_number": data["employee_number"],
            "year_joined": data.get("year_joined"),
            "year_left": data.get("year_left"),
            "departments": data.get("departments", ""),
        }
        try:
            if user is None:
                member, address = services.member_join_with_account(
                    network=network, email=data["email"], password=data["password1"], **fields
                )
            else:
                member = services.member_join(network=network, user=signed_in_user(request), **fields)
        except services.AlumniError as exc:
            _errors_to_form(form, exc)
        else:
            if user is None:
                # The account signs in only once its address is confirmed (ACCOUNT_EMAIL_VERIFICATION).
                address.send_confirmation(request, signup=True)
                return render(
                    request, "alumni/join_status.html", {"network": network, "member": member, "confirm": True}
                )
            if member.status == MemberStatus.VERIFIED:
                messages.success(request, _("名簿と照合できました。ネットワークへようこそ。"))
                return redirect("alumni:network_home", network.pk)
            return render(request, "alumni/join_status.html", {"network": network, "member": member})
    return render(request, "alumni/join.html", {"network": network, "form": form}, status=400 if form.errors else 200)


# --- member pages --------------------------------------------------------------------------------------------


@login_required
def network_home(request: HttpRequest, network: int) -> HttpResponse:
    viewer = _viewer(request, network)
    now = timezone.now()
    context = {
        "viewer": viewer,
        "news": access.news_for(viewer)[:5],
        "meetups": access.meetups_for(viewer).filter(starts_at__gte=now)[:3],
        "posts": access.posts_for(viewer)[:5],
        "show_counts": access.directory(viewer).count() >= ACTIVE_NETWORK_SIZE,
    }
    if viewer.is_office:
        context["pending"] = access.approval_queue(viewer).filter(status=MemberStatus.PENDING).count()
        context["join_url"] = request.build_absolute_uri(reverse("alumni:join", args=[viewer.network.join_code]))
    return render(request, "alumni/network_home.html", context)


# Counters (interest counts, member numbers) stay hidden until the network looks alive.
ACTIVE_NETWORK_SIZE = 30


def _visible_fields(member: AlumniMember, viewer: Viewer) -> dict[str, Any]:
    """The profile fields this viewer may see: members' fields to members; office fields too to the office;
    everything to the member themself."""
    own = viewer.member is not None and viewer.member.pk == member.pk
    allowed = {Visibility.MEMBERS} | ({Visibility.OFFICE} if viewer.is_office else set())
    values = {
        "years": " – ".join(str(y) for y in (member.year_joined, member.year_left) if y),
        "departments": member.departments,
        "employer": member.employer,
        "job_title": member.job_title,
        "industry": member.industry.label if member.industry else "",
        "skills": member.skills,
        "self_introduction": member.self_introduction,
    }
    return {str(PRIVATE_FIELDS[k]): v for k, v in values.items() if v and (own or member.visibility(k) in allowed)}


@login_required
def directory(request: HttpRequest, network: int) -> HttpResponse:
    viewer = _viewer(request, network)
    form = forms.DirectorySearchForm(request.GET or None)
    qs = access.directory(viewer)
    keywords: tuple[str, ...] = ()
    if form.is_valid():
        keywords = search_keywords(form.cleaned_data["q"])
    if keywords:
        qs = search_text_match(qs, keywords).order_by("-score", "user__name_kana", "pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(m, _visible_fields(m, viewer)) for m in page.object_list]
    return render(request, "alumni/directory.html", {"viewer": viewer, "form": form, "page": page, "rows": rows})


@login_required
def member_detail(request: HttpRequest, network: int, pk: int) -> HttpResponse:
    viewer = _viewer(request, network)
    member = access.access_member(viewer, pk)
    return render(
        request,
        "alumni/member_detail.html",
        {"viewer": viewer, "member": member, "fields": _visible_fields(member, viewer)},
    )


@login_required
def member_contact(request: HttpRequest, network: int, pk: int) -> HttpResponse:
    viewer = _viewer(request, network, member=True)
    recipient = access.access_member(viewer, pk)
    form = forms.ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_contact(viewer=viewer, recipient=recipient, body=form.cleaned_data["body"])
        except services.AlumniError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("メッセージを送りました。相手にはメールで届きます。"))
            return redirect("alumni:member_detail", network, pk)
    return render(
        request,
        "alumni/member_contact.html",
        {"viewer": viewer, "recipient": recipient, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def profile_edit(request: HttpRequest, network: int) -> HttpResponse:
    viewer = _viewer(request, network, member=True)
    member = viewer.member
    assert member is not None
    form = forms.ProfileForm(request.POST or None, initial=forms.ProfileForm.initial_for(member))
    if request.method == "POST" and form.is_valid():
        services.member_profile_update(
            member=member,
            values=form.profile_values(),
            privacy=form.privacy(),
            accepts_contact=form.cleaned_data["accepts_contact"],
        )
        messages.success(request, _("プロフィールを保存しました。"))
        return redirect("alumni:member_detail", network, member.pk)
    return render(
        request, "alumni/profile_edit.html", {"viewer": viewer, "form": form}, status=400 if form.errors else 200
    )


@login_required
def leave(request: HttpRequest, network: int) -> HttpResponse:
    viewer = _viewer(request, network, member=True)
    if request.method == "POST":
        assert viewer.member is not None
        services.member_leave(member=viewer.member)
        messages.success(request, _("ネットワークを退会しました。会員名簿からも削除されました。"))
        return redirect("dashboard")
    return render(request, "alumni/leave.html", {"viewer": viewer})


@login_required
def my_data(request: HttpRequest, network: int) -> HttpResponse:
    """The member's own data (APPI export), every app's sections from the personal-data registry."""
    viewer = _viewer(request, network, member=True)
    data = personal_data_export(Person(user=viewer.user, senior=getattr(viewer.user, "senior_profile", None)))
    body = json.dumps(
        {"user": {"email": viewer.user.email, "name": viewer.user.name, "name_kana": viewer.user.name_kana}, **data},
        cls=DjangoJSONEncoder,
        ensure_ascii=False,
        indent=2,
    )
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    name = download_name(_("同窓会の登録データ"), f"{timezone.localdate():%Y%m%d}", extension="json")
    return attach_file_name(response, name)


@login_required
def news_list(request: HttpRequest, network: int) -> HttpResponse:
    viewer = _viewer(request, network)
    page = Paginator(access.news_for(viewer), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "alumni/news_list.html", {"viewer": viewer, "page": page})


@login_required
def news_detail(request: HttpRequest, network: int, pk: int) -> HttpResponse:
    viewer = _viewer(request, network)
    return render(request, "alumni/news_detail.html", {"viewer": viewer, "news": access.access_news(viewer, pk)})


@login_required
def news_attachment(request: HttpRequest, network: int, news: int, pk: int) -> FileResponse:
    viewer = _viewer(request, network)
    attachment = access.access_attachment(viewer, news, pk)
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )


@login_required
def feedback(request: HttpRequest, network: int) -> HttpResponse:
    viewer = _viewer(request, network, member=True)
    form = forms.FeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_create(viewer=viewer, **form.cleaned_data)
        except services.AlumniError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("フィードバックを受け付けました。状況はこのページで確認できます。"))
            return redirect("alumni:feedback", network)
    return render(
        request,
        "alumni/feedback.html",
        {"viewer": viewer, "form": form, "items": access.feedback_of_viewer(viewer)},
        status=400 if form.errors else 200,
    )


@login_required
def post_list(request: HttpRequest, network: int) -> HttpResponse:
    viewer = _viewer(request, network)
    kind = request.GET.get("kind", "")
    kind = kind if kind in PostKind.values else ""
    page = Paginator(access.posts_for(viewer, kind=kind), PAGE_SIZE).get_page(request.GET.get("page"))
    show_counts = access.directory(viewer).count() >= ACTIVE_NETWORK_SIZE
    return render(
        request,
        "alumni/post_list.html",
        {"viewer": viewer, "page": page, "kinds": PostKind.choices, "kind": kind, "show_counts": show_counts},
    )


@login_required
def post_create(request: HttpRequest, network: int) -> HttpResponse:
    viewer = _viewer(request, network, member=True)
    form = forms.PostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        post = services.post_create(viewer=viewer, **form.cleaned_data)
        messages.success(request, _("投稿しました。"))
        return redirect("alumni:post_detail", network, post.pk)
    return render(
        request, "alumni/post_form.html", {"viewer": viewer, "form": form}, status=400 if form.errors else 200
    )


@login_required
def post_detail(request: HttpRequest, network: int, pk: int) -> HttpResponse:
    viewer = _viewer(request, network)
    post = access.access_post(viewer, pk)
    form = forms.ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_reply(viewer=viewer, post=post, body=form.cleaned_data["body"])
        except services.AlumniError as exc:
            _errors_to_form(form, exc)
        else:
            return redirect("alumni:post_detail", network, pk)
    return render(
        request,
        "alumni/post_detail.html",
        {
            "viewer": viewer,
            "post": post,
            "form": form,
            "show_counts": access.directory(viewer).count() >= ACTIVE_NETWORK_SIZE,
        },
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def post_interest(request: HttpRequest, network: int, pk: int) -> HttpResponse:
    viewer = _viewer(request, network, member=True)
    post = access.access_post(viewer, pk)
    interested = services.post_interest_toggle(viewer=viewer, post=post)
    messages.success(request, _("「関心あり」を伝えました。") if interested else _("「関心あり」を取り消しました。"))
    return redirect("alumni:post_detail", network, pk)


@login_required
def meetup_list(request: HttpRequest, network: int) -> HttpResponse:
    viewer = _viewer(request, network)
    now = timezone.now()
    meetups = access.meetups_for(viewer)
    return render(
        request,
        "alumni/meetup_list.html",
        {
            "viewer": viewer,
            "upcoming": meetups.filter(starts_at__gte=now),
            "past": meetups.filter(starts_at__lt=now).order_by("-starts_at"),
        },
    )


@login_required
def meetup_detail(request: HttpRequest, network: int, pk: int) -> HttpResponse:
    viewer = _viewer(request, network)
    meetup = access.access_meetup(viewer, pk)
    rsvp = access.meetup_rsvp_of(meetup=meetup, user=viewer.user)
    return render(
        request,
        "alumni/meetup_detail.html",
        {"viewer": viewer, "meetup": meetup, "rsvp": rsvp, "is_future": meetup.starts_at > timezone.now()},
    )


@require_POST
@login_required
def meetup_rsvp(request: HttpRequest, network: int, pk: int) -> HttpResponse:
    viewer = _viewer(request, network, member=True)
    meetup = access.access_meetup(viewer, pk)
    try:
        if request.POST.get("action") == "cancel":
            services.meetup_cancel(viewer=viewer, meetup=meetup)
            messages.success(request, _("参加を取り消しました。"))
        else:
            rsvp = services.meetup_rsvp(viewer=viewer, meetup=meetup)
            if rsvp.status == RsvpStatus.GOING:
                messages.success(request, _("参加を申し込みました。"))
            else:
                messages.info(
                    request, _("定員に達しているため、キャンセル待ちに登録しました。空きが出たらお知らせします。")
                )
    except services.AlumniError as exc:
        messages.error(request, exc.message)
    return redirect("alumni:meetup_detail", network, pk)


@login_required
def meetup_survey(request: HttpRequest, network: int, pk: int) -> HttpResponse:
    viewer = _viewer(request, network, member=True)
    meetup = access.access_meetup(viewer, pk)
    rsvp = access.meetup_rsvp_of(meetup=meetup, user=viewer.user)
    if rsvp is None or rsvp.checked_in_at is None:
        raise Http404
    form = forms.SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.survey_answer(viewer=viewer, meetup=meetup, **form.cleaned_data)
        except services.AlumniError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("アンケートにご回答いただき、ありがとうございました。"))
            return redirect("alumni:meetup_detail", network, pk)
    return render(
        request,
        "alumni/meetup_survey.html",
        {"viewer": viewer, "meetup": meetup, "form": form, "answered": rsvp.survey_answered_at is not None},
        status=400 if form.errors else 200,
    )


# --- office pages --------------------------------------------------------------------------------------------


@role_required(Role.ALUMNI_OFFICE)
def office_roster(request: HttpRequest, network: int) -> HttpResponse:
    viewer = _viewer(request, network, office=True)
    form = forms.RosterForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > services.ROSTER_LIMITS.max_bytes:
            form.add_error("file", _("ファイルが大きすぎます（上限 5 MB）。"))
        else:
            result = services.roster_upload(viewer=viewer, content=upload.read(), filename=upload.name or "")
            if result.upload is not None:
                messages.success(
                    request,
                    _("名簿 %(n)s 人分を照合用に登録しました（氏名などは保存していません）。")
                    % {"n": result.upload.row_count},
                )
                return redirect("alumni:office_roster", network)
            errors = result.errors
            form.add_error(
                "file", _("名簿を登録できませんでした。下の一覧を直してから、もう一度アップロードしてください。")
            )
    return render(
        request,
        "alumni/office_roster.html",
        {"viewer": viewer, "form": form, "errors": errors, "uploads": access.roster_uploads(viewer)[:20]},
        status=400 if form.errors else 200,
    )


@role_required(Role.ALUMNI_OFFICE)
def office_approvals(request: HttpRequest, network: int) -> HttpResponse:
    viewer = _viewer(request, network, office=True)
    queue = access.approval_queue(viewer)
    return render(
        request,
        "alumni/office_approvals.html",
        {
            "viewer": viewer,
            "pending": queue.filter(status=MemberStatus.PENDING).order_by("created_at"),
            "decided": queue.exclude(status=MemberStatus.PENDING).order_by("-updated_at")[:30],
            "form": forms.DecisionForm(),
        },
    )


@require_POST
@role_required(Role.ALUMNI_OFFICE)
def office_decide(request: HttpRequest, network: int, pk: int) -> HttpResponse:
    viewer = _viewer(request, network, office=True)
    member = access.access_queue_member(viewer, pk)
    form = forms.DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.member_decide(
            viewer=viewer, member=member, approve=request.POST.get("decision") == "approve", note=note
        )
    except services.AlumniError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s さんの登録を処理しました。") % {"name": member.user.get_short_name()})
    return redirect("alumni:office_approvals", network)


@role_required(Role.ALUMNI_OFFICE)
def office_news(request: HttpRequest, network: int) -> HttpResponse:
    viewer = _viewer(request, network, office=True)
    page = Paginator(access.news_for(viewer, editing=True), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "alumni/office_news.html", {"viewer": viewer, "page": page})


@role_required(Role.ALUMNI_OFFICE)
def office_news_edit(request: HttpRequest, network: int, pk: int | None = None) -> HttpResponse:
    viewer = _viewer(request, network, office=True)
    news = access.access_news(viewer, pk, editing=True) if pk is not None else None
    initial = (
        {
            "title": news.title,
            "category": news.category,
            "body": news.body,
            "status": news.status,
            "publish_at": timezone.localtime(news.publish_at) if news.publish_at else None,
            "mail_members": news.mail_members,
        }
        if news
        else {}
    )
    form = forms.NewsForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.news_save(viewer=viewer, news=news, **form.cleaned_data)
        except services.AlumniError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(
                request, _("お知らせを保存しました（%(status)s）。") % {"status": saved.get_status_display()}
            )
            return redirect("alumni:office_news", network)
    return render(
        request,
        "alumni/office_news_form.html",
        {"viewer": viewer, "form": form, "news": news},
        status=400 if form.errors else 200,
    )


@role_required(Role.ALUMNI_OFFICE)
def office_feedback(request: HttpRequest, network: int) -> HttpResponse:
    viewer = _viewer(request, network, office=True)
    form = forms.FeedbackFilterForm(request.GET or None)
    status = topic = ""
    if form.is_valid():
        status, topic = form.cleaned_data["status"], form.cleaned_data["topic"]
    page = Paginator(access.feedback_for_office(viewer, status=status, topic=topic), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    counts = access.feedback_counts(viewer)
    return render(
        request,
        "alumni/office_feedback.html",
        {
            "viewer": viewer,
            "form": form,
            "page": page,
            "counts": [(s, label, counts.get(s, 0)) for s, label in FeedbackStatus.choices],
        },
    )


@role_required(Role.ALUMNI_OFFICE)
def office_feedback_answer(request: HttpRequest, network: int, pk: int) -> HttpResponse:
    viewer = _viewer(request, network, office=True)
    item = access.access_feedback_for_office(viewer, pk)
    form = forms.FeedbackAnswerForm(request.POST or None, initial={"status": item.status, "answer": item.answer})
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_answer(viewer=viewer, feedback=item, **form.cleaned_data)
        except services.AlumniError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("回答を保存しました。投稿者に知らせました。"))
            return redirect("alumni:office_feedback", network)
    return render(
        request,
        "alumni/office_feedback_answer.html",
        {"viewer": viewer, "item": item, "form": form},
        status=400 if form.errors else 200,
    )


@role_required(Role.ALUMNI_OFFICE)
def office_digest(request: HttpRequest, network: int) -> HttpResponse:
    viewer = _viewer(request, network, office=True)
    return render(request, "alumni/office_digest.html", {"viewer": viewer, "posts": access.digest_queue(viewer)})


@require_POST
@role_required(Role.ALUMNI_OFFICE)
def office_digest_decide(request: HttpRequest, network: int, pk: int) -> HttpResponse:
    viewer = _viewer(request, network, office=True)
    post = access.access_post(viewer, pk)
    try:
        services.post_digest_decide(viewer=viewer, post=post, approve=request.POST.get("decision") == "approve")
    except services.AlumniError as exc:
        messages.error(request, exc.message)
    return redirect("alumni:office_digest", network)


@role_required(Role.ALUMNI_OFFICE)
def office_meetup_create(request: HttpRequest, network: int) -> HttpResponse:
    viewer = _viewer(request, network, office=True)
    form = forms.MeetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meetup = services.meetup_create(viewer=viewer, **form.cleaned_data)
        messages.success(request, _("交流会を作成しました。"))
        return redirect("alumni:meetup_detail", network, meetup.pk)
    return render(
        request, "alumni/office_meetup_form.html", {"viewer": viewer, "form": form}, status=400 if form.errors else 200
    )


@role_required(Role.ALUMNI_OFFICE)
def office_checkin(request: HttpRequest, network: int, pk: int) -> HttpResponse:
    viewer = _viewer(request, network, office=True)
    meetup = access.access_meetup(viewer, pk)
    answers = list(access.survey_answers(viewer, meetup))
    average = round(sum(a.satisfaction for a in answers) / len(answers), 1) if answers else None
    return render(
        request,
        "alumni/office_checkin.html",
        {
            "viewer": viewer,
            "meetup": meetup,
            "rsvps": access.meetup_rsvps(viewer, meetup),
            "answers": answers,
            "average": average,
            "worksheets": access.worksheets_of_meetup(viewer, meetup),
        },
    )


@require_POST
@role_required(Role.ALUMNI_OFFICE)
def office_checkin_mark(request: HttpRequest, network: int, pk: int, rsvp: int) -> HttpResponse:
    viewer = _viewer(request, network, office=True)
    meetup = access.access_meetup(viewer, pk)
    row = access.access_rsvp_for_office(viewer, meetup, rsvp)
    try:
        services.meetup_check_in(viewer=viewer, rsvp=row)
    except services.AlumniError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(name)s さんを受付しました。") % {"name": row.user.get_short_name()})
    return redirect("alumni:office_checkin", network, pk)


# --- current staff -------------------------------------------------------------------------------------------


@login_required
def staff_digest(request: HttpRequest, network: int) -> HttpResponse:
    """For the organisation's current staff: the alumni posts its office approved."""
    net = access.access_staff_digest(user=signed_in_user(request), pk=network)
    page = Paginator(access.staff_digest_posts(net), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "alumni/staff_digest.html", {"network": net, "page": page})


@login_required
def meetup_worksheet(request: HttpRequest, network: int, pk: int) -> HttpResponse:
    """The workshop worksheet, for members going to the meetup, before or on the day."""
    viewer = _viewer(request, network, member=True)
    meetup = access.access_meetup(viewer, pk)
    rsvp = access.meetup_rsvp_of(meetup=meetup, user=viewer.user)
    if rsvp is None or rsvp.status != RsvpStatus.GOING:
        raise Http404
    sheet = access.worksheet_of(meetup=meetup, user=viewer.user)
    initial = (
        {"useful_skills": sheet.useful_skills, "good_points": sheet.good_points, "improvements": sheet.improvements}
        if sheet
        else {}
    )
    form = forms.WorksheetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.worksheet_submit(viewer=viewer, meetup=meetup, **form.cleaned_data)
        messages.success(request, _("ワークシートを保存しました。"))
        return redirect("alumni:meetup_detail", network, pk)
    return render(
        request,
        "alumni/meetup_worksheet.html",
        {"viewer": viewer, "meetup": meetup, "form": form, "sheet": sheet},
        status=400 if form.errors else 200,
    )


# --- the bridge to 新現役 ------------------------------------------------------------------------------------------


@login_required
def senior_bridge(request: HttpRequest, network: int) -> HttpResponse:
    """One step from alumnus to 新現役; the pledge and the matching consent follow on their own pages."""
    viewer = _viewer(request, network, member=True)
    is_senior = hasattr(viewer.user, "senior_profile")
    if request.method == "POST" and not is_senior:
        try:
            services.member_become_senior(viewer=viewer)
        except services.AlumniError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("新現役として登録しました。マッチングの前に、守秘義務の誓約と個人情報の利用への同意をお願いします。"),
            )
            return redirect("participants:senior_pledge")
    return render(
        request,
        "alumni/senior_bridge.html",
        {"viewer": viewer, "is_senior": is_senior, "conflicts": access.conflicts_of_user(viewer.user)},
    )


@login_required
def conflicts(request: HttpRequest, network: int) -> HttpResponse:
    viewer = _viewer(request, network, member=True)
    form = forms.ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.conflict_declare(viewer=viewer, **form.cleaned_data)
        messages.success(request, _("申告しました。この企業とはマッチングされません。"))
        return redirect("alumni:conflicts", network)
    return render(
        request,
        "alumni/conflicts.html",
        {"viewer": viewer, "form": form, "conflicts": access.conflicts_of_user(viewer.user)},
        status=400 if form.errors else 200,
    )


@require_POST
@login_required
def conflict_remove(request: HttpRequest, network: int, pk: int) -> HttpResponse:
    viewer = _viewer(request, network, member=True)
    declaration = access.access_own_conflict(viewer, pk)
    services.conflict_remove(declaration=declaration)
    messages.success(request, _("申告を取り消しました。"))
    return redirect("alumni:conflicts", network)


# --- help wanted (協力募集) and outcomes ------------------------------------------------------------------------


@login_required
def help_list(request: HttpRequest, network: int) -> HttpResponse:
    viewer = _viewer(request, network)
    return render(request, "alumni/help_list.html", {"viewer": viewer, "requests": access.help_requests_for(viewer)})


@login_required
def help_detail(request: HttpRequest, network: int, pk: int) -> HttpResponse:
    viewer = _viewer(request, network)
    help_request = access.access_help_request(viewer, pk)
    form = forms.HelpInterestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.help_interest_express(viewer=viewer, request=help_request, **form.cleaned_data)
        except services.AlumniError as exc:
            _errors_to_form(form, exc)
        else:
            messages.success(request, _("応募しました。事務局から連絡します。"))
            return redirect("alumni:help_detail", network, pk)
    context: dict[str, Any] = {
        "viewer": viewer,
        "help": help_request,
        "form": form,
        "mine": access.help_interest_of(request=help_request, user=viewer.user),
    }
    if viewer.is_office:
        context["interests"] = access.help_interests(viewer, help_request)
        context["outcomes"] = HelpOutcome.choices
    return render(request, "alumni/help_detail.html", context, status=400 if form.errors else 200)


@role_required(Role.ALUMNI_OFFICE)
def office_help_create(request: HttpRequest, network: int) -> HttpResponse:
    viewer = _viewer(request, network, office=True)
    form = forms.HelpRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        help_request = services.help_request_create(viewer=viewer, **form.cleaned_data)
        messages.success(request, _("協力募集を掲載しました。"))
        return redirect("alumni:help_detail", network, help_request.pk)
    return render(
        request, "alumni/office_help_form.html", {"viewer": viewer, "form": form}, status=400 if form.errors else 200
    )


@require_POST
@role_required(Role.ALUMNI_OFFICE)
def office_help_outcome(request: HttpRequest, network: int, pk: int, interest: int) -> HttpResponse:
    viewer = _viewer(request, network, office=True)
    help_request = access.access_help_request(viewer, pk)
    row = access.access_help_interest(viewer, help_request, interest)
    form = forms.HelpOutcomeForm(request.POST)
    if form.is_valid():
        services.help_interest_record(viewer=viewer, interest=row, outcome=form.cleaned_data["outcome"])
        messages.success(request, _("結果を記録しました。"))
    else:
        messages.error(request, _("結果を一覧から選んでください。"))
    return redirect("alumni:help_detail", network, pk)


@require_POST
@role_required(Role.ALUMNI_OFFICE)
def office_help_close(request: HttpRequest, network: int, pk: int) -> HttpResponse:
    viewer = _viewer(request, network, office=True)
    services.help_request_close(viewer=viewer, request=access.access_help_request(viewer, pk))
    messages.success(request, _("募集を締め切りました。"))
    return redirect("alumni:help_detail", network, pk)


@role_required(Role.ALUMNI_OFFICE)
def office_outcomes(request: HttpRequest, network: int) -> HttpResponse:
    """What the network achieved: collaborations started, feedback adopted, events attended; not logins."""
    viewer = _viewer(request, network, office=True)
    return render(request, "alumni/office_outcomes.html", {"viewer": viewer, "o": access.network_outcomes(viewer)})
