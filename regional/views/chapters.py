"""Networks, chapters, members and posts; connections; the collaboration story library.

Any signed-in user may see the list of networks and join one as an individual; a chapter's pages are for its
active members only (everyone else gets 404, as for a page that does not exist).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from participants.models import User
from sks.access import signed_in_required, signed_in_user

from .. import access
from ..forms import MemberProfileForm, PostForm, StoryForm, StorySearchForm
from ..models import Network, NetworkMember
from ..selectors import member_card, story_search
from ..services import (
    RegionalError,
    chapter_join_request,
    chapter_membership_approve,
    chapter_organiser_set,
    chapter_post_create,
    connection_add,
    connection_remove,
    network_member_save,
    story_create,
)


def _member(user: User, network: Network) -> NetworkMember:
    member = access.member_of(user=user, network=network)
    if member is None:
        raise Http404
    return member


@signed_in_required
def home(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    rows = []
    for network in access.networks():
        member = access.member_of(user=user, network=network)
        memberships = {}
        if member is not None:
            memberships = {m.chapter_id: m for m in member.chapter_memberships.all()}
        rows.append(
            {
                "network": network,
                "member": member,
                "chapters": [(c, memberships.get(c.pk)) for c in network.chapters.all()],
            }
        )
    return render(request, "regional/home.html", {"rows": rows})


@login_required
def network_join(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    network = access.access_network(pk=pk)
    member = access.member_of(user=user, network=network)
    initial = {"name": user.name}
    if member is not None:
        initial = {
            "name": member.name,
            "sector": member.sector,
            "organisation": member.organisation,
            "title": member.title,
        }
    form = MemberProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        network_member_save(user=user, network=network, **form.cleaned_data)
        messages.success(request, _("会員情報を保存しました。参加したい支部を選んでください。"))
        return redirect("regional:home")
    return render(request, "regional/network_join.html", {"network": network, "form": form, "member": member})


@require_POST
@login_required
def chapter_join(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    chapter = access.access_chapter_to_join(user=user, pk=pk)
    if access.membership_of(user=user, chapter=chapter) is not None:
        messages.info(request, _("%(chapter)sにはすでに申し込んでいます。") % {"chapter": chapter.name})
        return redirect("regional:home")
    chapter_join_request(member=_member(user, chapter.network), chapter=chapter)
    messages.success(
        request, _("%(chapter)sへの参加を申し込みました。世話人の承認をお待ちください。") % {"chapter": chapter.name}
    )
    return redirect("regional:home")


@login_required
def chapter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    chapter = access.access_chapter(user=user, pk=pk)
    posts = Paginator(access.posts_of_chapter(chapter=chapter), 20).get_page(request.GET.get("page"))
    context = {
        "chapter": chapter,
        "meetings": access.meetings_of_chapter(chapter=chapter),
        "posts": posts,
        "form": PostForm(),
        "organiser": access.is_organiser(user=user, chapter=chapter),
    }
    return render(request, "regional/chapter_detail.html", context)


@require_POST
@login_required
def post_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    chapter = access.access_chapter(user=user, pk=pk)
    form = PostForm(request.POST)
    if form.is_valid():
        try:
            chapter_post_create(chapter=chapter, author=_member(user, chapter.network), body=form.cleaned_data["body"])
        except RegionalError as e:
            form.add_error(e.field, e.message)
    if form.errors:
        posts = Paginator(access.posts_of_chapter(chapter=chapter), 20).get_page(1)
        context = {
            "chapter": chapter,
            "meetings": access.meetings_of_chapter(chapter=chapter),
            "posts": posts,
            "form": form,
        }
        return render(request, "regional/chapter_detail.html", context, status=400)
    messages.success(request, _("投稿しました。"))
    return redirect("regional:chapter_detail", pk=chapter.pk)


@login_required
def chapter_members(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    chapter = access.access_chapter(user=user, pk=pk)
    organiser = access.is_organiser(user=user, chapter=chapter)
    rows = [
        (m, member_card(m.member, flat=False))
        for m in access.chapter_members(chapter=chapter, include_pending=organiser)
    ]
    return render(request, "regional/chapter_members.html", {"chapter": chapter, "rows": rows, "organiser": organiser})


@require_POST
@login_required
def membership_update(request: HttpRequest, pk: int) -> HttpResponse:
    """An organiser approves a request, or makes a member an organiser (or a member again)."""
    user = signed_in_user(request)
    membership = access.access_membership_for_organiser(user=user, pk=pk)
    action = request.POST.get("action")
    try:
        if action == "approve":
            chapter_membership_approve(membership=membership, by=user)
            messages.success(request, _("%(name)sさんの参加を承認しました。") % {"name": membership.member.name})
        elif action in {"organiser", "member"}:
            chapter_organiser_set(membership=membership, organiser=action == "organiser", by=user)
            messages.success(request, _("%(name)sさんの役割を変更しました。") % {"name": membership.member.name})
        else:
            messages.error(request, _("操作を選んでください。"))
    except RegionalError as e:
        messages.error(request, e.message)
    return redirect("regional:chapter_members", pk=membership.chapter_id)


# --- connections -------------------------------------------------------------------------------------------------


@login_required
def connection_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    return render(request, "regional/connection_list.html", {"connections": access.connections_of(user=user)})


@require_POST
@login_required
def connection_create(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    """Mark someone who came to meeting `pk` as met."""
    user = signed_in_user(request)
    meeting = access.access_meeting(user=user, pk=pk)
    other = access.attendee_of(meeting=meeting, pk=member_pk)
    try:
        connection_add(owner=_member(user, meeting.chapter.network), other=other, meeting=meeting)
        messages.success(request, _("%(name)sさんをつながりに追加しました。") % {"name": other.name})
    except RegionalError as e:
        messages.error(request, e.message)
    return redirect("regional:meeting_detail", pk=meeting.pk)


@require_POST
@login_required
def connection_delete(request: HttpRequest, member_pk: int) -> HttpResponse:
    user = signed_in_user(request)
    other = access.connection_other(user=user, pk=member_pk)
    connection_remove(owner=_member(user, other.network), other=other)
    messages.success(request, _("%(name)sさんをつながりから外しました。") % {"name": other.name})
    return redirect("regional:connection_list")


# --- collaboration stories ---------------------------------------------------------------------------------------


@login_required
def story_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    form = StorySearchForm(request.GET or None)
    stories = access.stories_for(user=user)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    stories = story_search(stories, query)
    page = Paginator(stories, 20).get_page(request.GET.get("page"))
    can_post = access.chapters_for(user=user).exists()
    return render(
        request, "regional/story_list.html", {"form": form, "page": page, "query": query, "can_post": can_post}
    )


@login_required
def story_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    chapters = access.chapters_for(user=user).select_related("network").order_by("network__name", "name")
    if not chapters.exists():
        raise Http404
    form = StoryForm(request.POST or None, chapters=chapters)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        chapter = data.pop("chapter")
        story = story_create(author=_member(user, chapter.network), chapter=chapter, **data)
        messages.success(request, _("連携事例を投稿しました。"))
        return redirect("regional:story_detail", pk=story.pk)
    return render(request, "regional/story_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def story_detail(request: HttpRequest, pk: int) -> HttpResponse:
    story = access.access_story(user=signed_in_user(request), pk=pk)
    return render(request, "regional/story_detail.html", {"story": story})
