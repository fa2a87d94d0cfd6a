from __future__ import annotations

from typing import Any

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from participants.enums import FinancialInstitutionType, OrganizationKind
from participants.models import Branch, Company, Membership, Organization, SeniorProfile, User
from sks.roles import Role
from tests.access import arranging

PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.jp")
    name = factory.Sequence(lambda n: f"利用者{n}")
    name_kana = "リヨウシャ"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(self, create: bool, extracted: bool | None, **kwargs: object) -> None:
        self.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"テスト信用金庫{n}")
    kind = OrganizationKind.FINANCIAL_INSTITUTION
    institution_type = FinancialInstitutionType.SHINKIN
    prefecture = "13"


class CoordinatorOrgFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"コーディネート団体{n}")
    kind = OrganizationKind.COORDINATOR
    institution_type = ""


class LocalGovernmentFactory(OrganizationFactory):
    name = factory.Sequence(lambda n: f"テスト市{n}")
    kind = OrganizationKind.LOCAL_GOVERNMENT
    institution_type = ""


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"第{n}支店")
    code = factory.Sequence(lambda n: f"{n:03d}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.BANK_STAFF


class SeniorProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SeniorProfile

    user = factory.SubFactory(UserFactory)
    birth_year = 1958
    prefecture = "14"


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    institution = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"株式会社テスト製作所{n}")
    name_kana = "テストセイサクショ"
    prefecture = "13"
    city = "大田区"


def enrol_totp(user: User) -> str:
    """Give `user` a TOTP authenticator and recovery codes, as enrolment does, and return the secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def staff_user(role: str, organization: Organization | None = None, *, mfa: bool = True, **kwargs: object) -> User:
    if organization is None:
        organization = {
            Role.COORDINATOR: CoordinatorOrgFactory,
            Role.LOCAL_GOVERNMENT: LocalGovernmentFactory,
        }.get(role, OrganizationFactory)()
    user = UserFactory(**kwargs)
    MembershipFactory(user=user, organization=organization, role=role)
    if mfa:
        enrol_totp(user)
    return User.objects.get(pk=user.pk)


def senior_user(**kwargs: object) -> User:
    profile = SeniorProfileFactory(user=UserFactory(**kwargs))
    return User.objects.get(pk=profile.user.pk)


# --- search ---
def searchable_senior(*, user: User | None = None, **profile_fields: object) -> SeniorProfile:
    """A senior institutions may see: a standing consent to the purpose in force (reference data)."""
    # Imported here so that this area's additions stay in this block (the file is shared by areas).
    from participants.models import Consent, ConsentPurpose
    from participants.services import senior_refresh_search_text

    profile = SeniorProfileFactory(user=user or UserFactory(), **profile_fields)
    Consent.objects.create(senior=profile, purpose=ConsentPurpose.objects.order_by("-effective_from").first())
    senior_refresh_search_text(profile=profile)
    return profile


# --- companies ---
def corporate_number(body: int | str) -> str:
    """A valid 法人番号: the check digit (国税庁 rule) in front of a 12-digit body."""
    digits = f"{int(body):012d}"
    total = sum(int(d) * (1 if i % 2 == 0 else 2) for i, d in enumerate(reversed(digits)))
    return f"{9 - total % 9}{digits}"


def company_import_token(
    user: User, content: bytes = "企業名\n株式会社取込テスト\n".encode(), filename: str = "companies.csv"
) -> str:
    """An upload kept for `user`'s confirmation page, as the upload view leaves it; returns the token."""
    # Imported here so that this area's additions stay in this block (the file is shared by areas).
    from participants.services import company_import_store

    institution = Organization.objects.get(pk=user.institution_ids[0])
    return company_import_store(by=user, institution=institution, content=content, filename=filename)


# --- events ---
def make_event(
    *,
    coordinator_org: Organization | None = None,
    hosts: list[Organization] | tuple[Organization, ...] = (),
    status: str = "preparing",
    date: object = None,
    **fields: object,
) -> Any:
    """An event with sensible deadlines counted back from its date (default: 60 days from today)."""
    import datetime as dt

    from django.utils import timezone

    from events.models import Event, EventHost

    day: dt.date = date if isinstance(date, dt.date) else timezone.localdate() + dt.timedelta(days=60)
    defaults: dict[str, object] = {
        "title": "テスト新現役交流会",
        "venue": "テスト会館",
        "date": day,
        "enrolment_deadline": day - dt.timedelta(days=40),
        "hearing_deadline": day - dt.timedelta(days=30),
        "issue_list_date": day - dt.timedelta(days=25),
        "application_deadline": day - dt.timedelta(days=15),
        "selection_deadline": day - dt.timedelta(days=8),
    }
    defaults.update(fields)
    event = Event.objects.create(coordinator=coordinator_org or CoordinatorOrgFactory(), status=status, **defaults)
    for host in hosts or [OrganizationFactory()]:
        EventHost.objects.create(event=event, institution=host)
    return event


@arranging()  # factories arrange a test's world across institutions
def enrol_company(
    event: Any, *, company: Company | None = None, institution: Organization | None = None, staff: User | None = None
) -> Any:
    """Enrol a company (a new one of `institution`, or the event's first host) with an empty hearing sheet."""
    from events.models import EventCompany, HearingSheet

    if company is None:
        company = CompanyFactory(institution=institution or event.hosts.order_by("pk").first())
    if staff is None:
        staff = staff_user(Role.BANK_STAFF, company.institution)
    enrolment = EventCompany.objects.create(
        event=event, company=company, institution=company.institution, attending_staff=staff, enrolled_by=staff
    )
    HearingSheet.objects.create(enrolment=enrolment)
    return enrolment


@arranging()  # factories arrange a test's world across institutions
def approved_hearing(
    enrolment: Any,
    *,
    title: str = "新規販路の開拓",
    summary: str = "首都圏の量販店への販路を広げたい。",
    category: str = "sales",
    show_name: bool = False,
) -> Any:
    """Turn an enrolment's sheet into an approved one with a published summary and one issue."""
    from django.utils import timezone

    from events.models import HearingIssue, HearingSheet
    from events.signals import hearing_issues_replaced

    sheet = HearingSheet.objects.get(enrolment=enrolment)
    sheet.status = "approved"
    sheet.support_form = "ongoing"
    sheet.payment_capacity = "subsidy_only"
    sheet.submitted_at = sheet.approved_at = timezone.now()
    sheet.approval_method = "visit"
    sheet.name_disclosure_agreed = show_name
    sheet.show_name = show_name
    sheet.public_title = title
    sheet.public_summary = summary
    sheet.internal_notes = "内部メモ：融資の相談あり"
    sheet.save()
    HearingIssue.objects.create(sheet=sheet, category=category, description="販路拡大の具体策が必要")
    # As events.services.hearings.hearing_sheet_update does after replacing the issues.
    hearing_issues_replaced.send(sender=HearingSheet, enrolment=enrolment, by=None)
    return sheet


def pledged_senior(**profile_fields: object) -> SeniorProfile:
    """A searchable senior (standing consent) who has accepted the confidentiality pledge in force."""
    from participants.models import PledgeAcceptance, PledgeVersion

    profile = searchable_senior(**profile_fields)
    PledgeAcceptance.objects.create(senior=profile, pledge=PledgeVersion.objects.order_by("-effective_from").first())
    return profile


# --- events (selection) ---
def make_application(
    senior: SeniorProfile,
    enrolments: list[Any] | tuple[Any, ...],
    *,
    status: str = "submitted",
    decisions: list[str] | tuple[str, ...] = (),
    proposal: str = "販路開拓の経験を活かして支援できます。",
) -> Any:
    """A senior's application to the enrolments' event choosing `enrolments` (decisions in the same order)."""
    from django.utils import timezone

    from events.models import ApplicationChoice, SeniorApplication
    from participants.selectors import senior_current_pledge_acceptance

    event = enrolments[0].event
    application = SeniorApplication.objects.create(
        event=event,
        senior=senior,
        status=status,
        pledge=senior_current_pledge_acceptance(senior),
        submitted_at=timezone.now() if status == "submitted" else None,
        withdrawn_at=timezone.now() if status == "withdrawn" else None,
    )
    for position, enrolment in enumerate(enrolments):
        decision = decisions[position] if position < len(decisions) else "pending"
        ApplicationChoice.objects.create(
            application=application, enrolment=enrolment, proposal=proposal, position=position, decision=decision
        )
    return application


def make_invitation(enrolment: Any, senior: SeniorProfile, *, withdrawn: bool = False, message: str = "") -> Any:
    """A company's invitation to a senior, written directly (no notification)."""
    from django.utils import timezone

    from events.models import SeniorInvitation

    return SeniorInvitation.objects.create(
        enrolment=enrolment,
        senior=senior,
        message=message,
        invited_by=enrolment.attending_staff,
        withdrawn_at=timezone.now() if withdrawn else None,
    )


def matrix_choice(world: dict[str, Any]) -> Any:
    """For the permission matrix: the world senior's submitted choice of the world enrolment."""
    return make_application(world["senior_profile"], [world["enrolment"]]).choices.get()


def matrix_invitation(world: dict[str, Any]) -> Any:
    """For the permission matrix: an invitation of the world enrolment to another (consenting) senior."""
    return make_invitation(world["enrolment"], searchable_senior())


# --- events (hearing) ---
@arranging()  # factories arrange a test's world across institutions
def company_contact(company: Company, **user_fields: object) -> User:
    """A company's own login (CompanyContact): a user with no staff role and no senior profile."""
    from participants.models import CompanyContact

    user = UserFactory(**user_fields)
    CompanyContact.objects.create(company=company, user=user)
    return User.objects.get(pk=user.pk)


def three_bank_event(*, status: str = "hearing", **event_fields: object) -> dict[str, Any]:
    """A joint event of banks A, B and C with one enrolled company each (plus a second, unenrolled one
    of A), their staff, a company contact for A's and B's companies and the event's coordinator."""
    bank_a, bank_b, bank_c = (OrganizationFactory(name=f"{x}信用金庫") for x in "ABC")
    coordinator = staff_user(Role.COORDINATOR)
    staff = {key: staff_user(Role.BANK_STAFF, bank) for key, bank in (("a", bank_a), ("b", bank_b), ("c", bank_c))}
    event = make_event(
        coordinator_org=coordinator.active_memberships[0].organization,
        hosts=[bank_a, bank_b, bank_c],
        status=status,
        **event_fields,
    )
    companies = {
        "a": CompanyFactory(institution=bank_a, name="株式会社秘密の精密A", employees=25, founded_year=1985),
        "a2": CompanyFactory(institution=bank_a, name="株式会社まだ未登録A2"),
        "b": CompanyFactory(institution=bank_b, name="株式会社秘密の食品B", employees=120),
        "c": CompanyFactory(institution=bank_c, name="株式会社秘密の繊維C"),
    }
    enrolments = {key: enrol_company(event, company=companies[key], staff=staff[key]) for key in ("a", "b", "c")}
    return {
        "banks": {"a": bank_a, "b": bank_b, "c": bank_c},
        "staff": staff,
        "admin_a": staff_user(Role.INSTITUTION_ADMIN, bank_a),
        "coordinator": coordinator,
        "other_coordinator": staff_user(Role.COORDINATOR),
        "event": event,
        "companies": companies,
        "enrolments": enrolments,
        "contacts": {"a": company_contact(companies["a"]), "b": company_contact(companies["b"])},
        "senior": senior_user(),
    }


# --- timetables ---
def make_timetable(event: Any, meetings: list[tuple[Any, Any, int, str]] = (), *, status: str = "draft") -> Any:  # type: ignore[assignment]  # a tuple default for a list parameter: never mutated
    """A solved timetable of `event` with the given (enrolment, senior profile, slot, kind) meetings."""
    from matching.models import Timetable, TimetableMeeting
    from matching.problems import event_problem
    from matching.services.figures import meeting_figures_refresh

    version = (event.timetables.order_by("-version").values_list("version", flat=True).first() or 0) + 1
    timetable = Timetable.objects.create(
        event=event,
        version=version,
        status=status,
        problem=event_problem(event=event),
        solve_status="done",
        solve_progress=100,
    )
    for enrolment, senior, slot, kind in meetings:
        TimetableMeeting.objects.create(timetable=timetable, enrolment=enrolment, senior=senior, slot=slot, kind=kind)
    if status == "published":
        # As matching.services.publish does: the statistics count the meetings from their stored summary.
        meeting_figures_refresh(event=event)
    return timetable


# (timetables (print)) the permission matrix's printable timetable, created lazily in its row lambdas
def print_matrix_timetable_pk(world: dict[str, Any]) -> int:
    """A published timetable of the matrix world's event: A's enrolment meets the senior in round 1."""
    meetings = [(world["enrolment"], world["senior_profile"], 0, "mutual")]
    return int(make_timetable(world["event"], meetings, status="published").pk)


# --- event day (check-in) ---
def make_attendance(event: Any, *, senior: Any = None, enrolment: Any = None, **fields: object) -> Any:
    """An event-day attendance row of a senior or a company table (status etc. in `fields`)."""
    from matching.models import Attendance

    return Attendance.objects.create(event=event, senior=senior, enrolment=enrolment, **fields)


# --- after the event: results, second interviews, agreements ---
@arranging()  # factories arrange a test's world across institutions
def make_result(enrolment: Any, senior: Any, **fields: object) -> Any:
    """An interview result of the pair (company wish, senior wish, notes etc. in `fields`)."""
    from matching.models import InterviewResult

    return InterviewResult.objects.create(
        event=enrolment.event, enrolment=enrolment, senior=senior, institution=enrolment.institution, **fields
    )


@arranging()  # factories arrange a test's world across institutions
def make_second_interview(enrolment: Any, senior: Any, **fields: object) -> Any:
    """A second interview of the pair, by default proposed and handled by the enrolment's attending staff."""
    from matching.models import SecondInterview

    fields.setdefault("staff", enrolment.attending_staff)
    return SecondInterview.objects.create(
        event=enrolment.event, enrolment=enrolment, senior=senior, institution=enrolment.institution, **fields
    )


@arranging()  # factories arrange a test's world across institutions
def make_agreement(enrolment: Any, senior: Any, **fields: object) -> Any:
    """A support agreement of the pair (default: subsidised, 3 visits, starting on the event's date)."""
    from matching.models import SupportAgreement

    fields.setdefault("kind", "subsidised")
    fields.setdefault("start_date", enrolment.event.date)
    fields.setdefault("responsible_staff", enrolment.attending_staff)
    return SupportAgreement.objects.create(
        event=enrolment.event,
        enrolment=enrolment,
        company=enrolment.company,
        senior=senior,
        institution=enrolment.institution,
        **fields,
    )


# --- after the event (results and second interviews) ---
def followup_world(*, status: str = "follow_up") -> dict[str, Any]:
    """The three-bank event, held (60 days ago, in `status`), with a published timetable: A's table meets
    seniors 1 (round 1) and 2 (round 2), B's table meets senior 1 (round 2)."""
    import datetime as dt

    from django.utils import timezone

    world = three_bank_event(status=status, date=timezone.localdate() - dt.timedelta(days=60))
    seniors = [pledged_senior(user=UserFactory(name=f"新現役 {n}")) for n in (1, 2)]
    a, b = world["enrolments"]["a"], world["enrolments"]["b"]
    world["timetable"] = make_timetable(
        world["event"],
        [(a, seniors[0], 0, "mutual"), (a, seniors[1], 1, "mutual"), (b, seniors[0], 1, "mutual")],
        status="published",
    )
    world["seniors"] = seniors
    return world


def followup_matrix_result(world: dict[str, Any]) -> Any:
    """For the permission matrix: a held event's result of A's table and the world senior (published
    timetable), both sides "maybe"."""
    world["event"].status = "follow_up"
    world["event"].save(update_fields=["status"])
    make_timetable(world["event"], [(world["enrolment"], world["senior_profile"], 0, "mutual")], status="published")
    return make_result(world["enrolment"], world["senior_profile"], company_wish="maybe", senior_wish="maybe")


def followup_matrix_si(world: dict[str, Any]) -> Any:
    """For the permission matrix: a proposed second interview of A's table and the world senior."""
    return make_second_interview(world["enrolment"], world["senior_profile"])


def followup_matrix_agreement(world: dict[str, Any]) -> Any:
    """For the permission matrix: a subsidised agreement of A's company and the world senior."""
    return make_agreement(world["enrolment"], world["senior_profile"])


# --- after the event (statistics) ---
@arranging()  # factories arrange a test's world across institutions
def statistics_world() -> dict[str, Any]:
    """The hand-made statistics dataset (tests/matching/test_statistics.py works out every answer).

    Banks A, B, C; coordinator organisations K1 (the coordinator user's) and K2; seniors s1..s4.

    E1 2025-06-10 held,      K1, 東京都(13), hosts A+B: a1 (A, 本店, sales+dx) supported (s1),
       a2 (A, 駅前, sales), b1 (B, 中央, hr) supported (s2); published meetings a1-s1 a1-s2 a2-s1 b1-s2
       b1-s3 (a draft timetable's a2-s4 never counts); seconds a1-s1 agreed, b1-s2 agreed, a2-s1 cancelled.
    E2 2026-03-05 follow_up, K2, 神奈川県(14), hosts A+C: a1x (A, the same company as a1, dx) supported
       twice (s1, s3), c1 (C, no branch, sales); meetings a1x-s1 a1x-s3 c1-s1; second a1x-s1 held.
    E3 2026-05-20 closed,    K1, 東京都(13), host B, co-hosted by the local government: b2 (B, no branch,
       hr) supported (s2), b3 (B, no branch, no hearing); meetings b2-s2 b3-s4; second b2-s2 agreed.
    E4 2026-09-01 selection (not held): a3 (A) — never counted.
    """
    import datetime as dt

    bank = {x: OrganizationFactory(name=f"{x}統計銀行") for x in "ABC"}
    coordinator = staff_user(Role.COORDINATOR)
    k1 = coordinator.active_memberships[0].organization
    k2 = CoordinatorOrgFactory(name="K2コーディネート団体")
    lg = staff_user(Role.LOCAL_GOVERNMENT, LocalGovernmentFactory(name="統計県", prefecture="14"))
    staff = {x: staff_user(Role.BANK_STAFF, bank[x]) for x in "ABC"}
    branch = {
        "a_main": BranchFactory(organization=bank["A"], name="A本店"),
        "a_station": BranchFactory(organization=bank["A"], name="A駅前支店"),
        "b_centre": BranchFactory(organization=bank["B"], name="B中央支店"),
    }
    company = {
        "a1": CompanyFactory(institution=bank["A"], branch=branch["a_main"], name="株式会社A一"),
        "a2": CompanyFactory(institution=bank["A"], branch=branch["a_station"], name="株式会社A二"),
        "a3": CompanyFactory(institution=bank["A"], name="株式会社A三"),
        "b1": CompanyFactory(institution=bank["B"], branch=branch["b_centre"], name="株式会社B一"),
        "b2": CompanyFactory(institution=bank["B"], name="株式会社B二"),
        "b3": CompanyFactory(institution=bank["B"], name="株式会社B三"),
        "c1": CompanyFactory(institution=bank["C"], name="株式会社C一"),
    }
    s1, s2, s3, s4 = (SeniorProfileFactory() for _ in range(4))

    def event(title: str, day: dt.date, status: str, coord: Organization, pref: str, hosts: list[Any]) -> Any:
        return make_event(coordinator_org=coord, hosts=hosts, status=status, date=day, prefecture=pref, title=title)

    e1 = event("E1交流会", dt.date(2025, 6, 10), "held", k1, "13", [bank["A"], bank["B"]])
    e2 = event("E2交流会", dt.date(2026, 3, 5), "follow_up", k2, "14", [bank["A"], bank["C"]])
    e3 = event("E3交流会", dt.date(2026, 5, 20), "closed", k1, "13", [bank["B"]])
    e4 = event("E4交流会", dt.date(2026, 9, 1), "selection", k1, "13", [bank["A"]])
    e3.co_hosts.add(lg.active_memberships[0].organization)

    def enrol(ev: Any, key: str, *categories: str) -> Any:
        enrolment = enrol_company(ev, company=company[key], staff=staff[key[0].upper()])
        if categories:
            sheet = approved_hearing(enrolment, category=categories[0])
            for category in categories[1:]:
                from events.models import HearingIssue

                HearingIssue.objects.create(sheet=sheet, category=category, description="追加の課題")
        return enrolment

    a1, a2, b1 = enrol(e1, "a1", "sales", "dx"), enrol(e1, "a2", "sales"), enrol(e1, "b1", "hr")
    a1x, c1 = enrol(e2, "a1", "dx"), enrol(e2, "c1", "sales")
    b2, b3 = enrol(e3, "b2", "hr"), enrol(e3, "b3")
    a3 = enrol(e4, "a3", "sales")
    make_timetable(e1, [(a2, s4, 0, "mutual")], status="draft")
    make_timetable(
        e1,
        [
            (a1, s1, 0, "mutual"),
            (a1, s2, 1, "mutual"),
            (a2, s1, 1, "mutual"),
            (b1, s2, 0, "mutual"),
            (b1, s3, 1, "mutual"),
        ],
        status="published",
    )
    make_timetable(e2, [(a1x, s1, 0, "mutual"), (a1x, s3, 1, "mutual"), (c1, s1, 1, "mutual")], status="published")
    make_timetable(e3, [(b2, s2, 0, "mutual"), (b3, s4, 1, "mutual")], status="published")
    make_second_interview(a1, s1, status="agreed")
    make_second_interview(b1, s2, status="agreed")
    make_second_interview(a2, s1, status="cancelled")
    make_second_interview(a1x, s1, status="held")
    make_second_interview(b2, s2, status="agreed")
    make_agreement(a1, s1)
    make_agreement(b1, s2)
    make_agreement(a1x, s1)
    make_agreement(a1x, s3, kind="private")
    make_agreement(b2, s2, kind="employment")
    return {
        "banks": bank,
        "staff": staff,
        "coordinator": coordinator,
        "k1": k1,
        "k2": k2,
        "lg": lg,
        "branches": branch,
        "companies": company,
        "seniors": (s1, s2, s3, s4),
        "events": {"e1": e1, "e2": e2, "e3": e3, "e4": e4},
        "enrolments": {"a1": a1, "a2": a2, "b1": b1, "a1x": a1x, "c1": c1, "b2": b2, "b3": b3, "a3": a3},
    }


# --- after the event (follow-up reminders, survey) ---


def survey_matrix_event_pk(world: dict[str, Any]) -> int:
    """For the permission matrix: the world event, now in follow-up, with a published timetable in which A's
    enrolment (attended by A's staff) meets the world senior."""
    from events.models import Event

    Event.objects.filter(pk=world["event"].pk).update(status="follow_up")
    make_timetable(world["event"], [(world["enrolment"], world["senior_profile"], 0, "mutual")], status="published")
    return int(world["event"].pk)


def survey_event(*, status: str = "follow_up", **event_fields: object) -> dict[str, Any]:
    """three_bank_event in follow-up (10 days ago) with a published timetable: senior 1 meets A and B, senior
    2 meets A; C's table has no meetings (its staff and company did not take part), and a bystander senior
    met nobody."""
    import datetime as dt

    from django.utils import timezone

    fields: dict[str, object] = {"date": timezone.localdate() - dt.timedelta(days=10), **event_fields}
    world = three_bank_event(status=status, **fields)
    seniors = [pledged_senior(), pledged_senior()]
    enrolments = world["enrolments"]
    make_timetable(
        world["event"],
        [
            (enrolments["a"], seniors[0], 0, "mutual"),
            (enrolments["b"], seniors[0], 1, "mutual"),
            (enrolments["a"], seniors[1], 1, "mutual"),
        ],
        status="published",
    )
    return {**world, "seniors": seniors, "bystander": pledged_senior()}


# --- alumni ---
def alumni_network(organization: Organization | None = None, *, office: User | None = None) -> Any:
    """A network with its office (an alumni-office staff member of the organisation)."""
    # Imported here so that this area's additions stay in this block (the file is shared by areas).
    from alumni.services import network_create

    organization = organization or OrganizationFactory()
    office = office or staff_user(Role.ALUMNI_OFFICE, organization)
    network = network_create(organization=organization, by=office, name=f"{organization.name} OB・OG会")
    network.office = office  # type: ignore[attr-defined]  # the tests' handle on it
    return network


def alumni_member(network: Any, *, user: User | None = None, status: str = "verified", **fields: object) -> Any:
    from alumni.models import AlumniMember
    from alumni.services import member_refresh_search_text

    member = AlumniMember.objects.create(network=network, user=user or UserFactory(), status=status, **fields)
    member_refresh_search_text(member=member)
    return member


def alumni_viewer(network: Any, user: User) -> Any:
    from alumni.access import access_network

    return access_network(user=user, pk=network.pk)


def alumni_matrix(world: dict[str, Any]) -> dict[str, Any]:
    """The permission matrix's alumni rows: the network of the `alumni` column's organisation, with one of
    each thing (built once per world)."""
    if "alumni" in world:
        return world["alumni"]
    import datetime as dt

    from django.utils import timezone

    from alumni import services

    office = world["users"]["alumni"]
    network = alumni_network(office.active_memberships[0].organization, office=office)
    office_viewer = alumni_viewer(network, office)
    member = alumni_member(network)
    member_viewer = alumni_viewer(network, member.user)
    news = services.news_save(
        viewer=office_viewer, news=None, title="お知らせ", body="本文", category="notice", status="published"
    )
    post = services.post_create(viewer=member_viewer, kind="activity", title="近況", body="本文", share_with_staff=True)
    feedback = services.feedback_create(viewer=member_viewer, topic="窓口", good_points="丁寧", improvements="")
    meetup = services.meetup_create(
        viewer=office_viewer,
        title="交流会",
        description="",
        venue="本店",
        starts_at=timezone.now() + dt.timedelta(days=7),
        capacity=10,
    )
    rsvp = services.meetup_rsvp(viewer=member_viewer, meetup=meetup)
    pending = alumni_member(network, status="pending")
    from django.core.files.base import ContentFile

    from alumni.models import NewsAttachment

    attachment = NewsAttachment.objects.create(
        news=news,
        file=ContentFile(b"%PDF-1.4 demo", name="a.pdf"),
        filename="案内.pdf",
        content_type="application/pdf",
        size=13,
    )
    conflict = services.conflict_declare(viewer=member_viewer, company_name="株式会社担当先")
    help_request = services.help_request_create(viewer=office_viewer, kind="speaker", title="講師募集", body="本文")
    help_interest = services.help_interest_express(viewer=member_viewer, request=help_request, message="")
    world["alumni"] = {
        "help": help_request,
        "help_interest": help_interest,
        "conflict": conflict,
        "network": network,
        "member": member,
        "pending": pending,
        "news": news,
        "post": post,
        "feedback": feedback,
        "meetup": meetup,
        "rsvp": rsvp,
        "attachment": attachment,
    }
    return world["alumni"]


# --- fit ---
def fit_opt_out_token(world: dict[str, Any]) -> str:
    """For the permission matrix: the signed opt-out token of the world senior's fit mail."""
    from matching.services.fit import fit_mail_opt_out_token

    return fit_mail_opt_out_token(world["senior_profile"])
