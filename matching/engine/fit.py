"""Fit between a 新現役 and a company's issue, with the reasons a person can read: pure Python, no Django.

    fit = fit_score(issue, senior, text=0.3)             # one pair (text similarity computed by the caller)
    fits = rank_seniors(issue, seniors, limit=10)        # the best seniors for one issue
    fits = rank_issues(senior, issues)                   # one senior's list for an event

Inputs are plain facts (IssueFacts, SeniorFacts) that the Django side builds from what is stored
(matching/selectors/fit.py). Every component returns a value in [0, 1] and its reasons; the score is their
weighted sum (WEIGHTS) minus the no-show penalty. Reasons are in the users' words (Japanese); a score is
never shown to a user, only the order and the reasons.

Text similarity is TF-IDF over character 2- and 3-grams (no Japanese tokenizer needed): 「品質管理」 and
「品質保証」 share 「品質」, which is what a reader would call related. The IDF is computed over the
documents being ranked (the seniors for one issue, the issues for one senior), so a gram every document
has (「です」「ます」) weighs least.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy

__all__ = [
    "CATEGORY_EXPERTISE",
    "MAX_REASONS",
    "NO_SHOW_PENALTY",
    "WEIGHTS",
    "Fit",
    "IssueFacts",
    "IssueIndex",
    "Reason",
    "SeniorFacts",
    "SeniorIndex",
    "TfIdf",
    "fit_score",
    "rank_issues",
    "rank_seniors",
    "structural_upper_bound",
]

# The weights, in one place. Why these:
# * expertise (0.35): what the company asked for is the first thing a bank looks at when inviting, and the
#   issue category is filled on every hearing sheet; a senior without the asked-for expertise is rarely a fit
#   whatever else matches.
# * text (0.20): the free text carries what the categories cannot (「ISO9001の取得」 inside 品質), but it is
#   noisy (short self-introductions, boilerplate), so it ranks within a category rather than across.
# * industry (0.15): same-industry experience is what presidents value next (they say 「業界を知っている人」),
#   yet cross-industry help is common in 販路開拓 or 財務, so it is a bonus, not a gate.
# * outcome (0.15): a 支援成立 in the same category is the strongest evidence there is that the person
#   helps with such issues; capped at three agreements so that one prolific senior does not take every list.
# * place (0.10): the event itself is face to face, and support visits are paid per visit, so the same
#   prefecture (or a region they travel to, or remote work) matters, but less than competence.
# * weekday (0.05): the event day is fixed; a senior who did not tick that weekday can still come to one
#   day, so it only breaks ties.
# No-shows subtract NO_SHOW_PENALTY per no-show beyond the first (one absence can happen to anyone), at most
# NO_SHOW_PENALTY_MAX: an empty seat costs the company an interview it was promised.
WEIGHTS: dict[str, float] = {
    "expertise": 0.35,
    "text": 0.20,
    "industry": 0.15,
    "outcome": 0.15,
    "place": 0.10,
    "weekday": 0.05,
}
NO_SHOW_PENALTY = 0.10
NO_SHOW_PENALTY_MAX = 0.30
OUTCOME_CAP = 3
MAX_REASONS = 3

# Issue category (events.enums.IssueCategory) -> the expertise area (participants taxonomy code) it asks for.
CATEGORY_EXPERTISE: dict[str, str] = {
    "sales": "sales-channels",
    "product": "new-products",
    "hr": "hr-development",
    "dx": "dx-it",
    "overseas": "overseas",
    "succession": "succession",
    "finance": "finance",
    "production": "production",
    "quality": "quality",
    "management": "strategy",
}

# A reason as a component gives it: its wording (a msgid), the wording's parameters, its share of the value.
ReasonPart = tuple[str, Mapping[str, object], float]


def gettext_noop(message: str) -> str:
    """Marks a reason's wording for the translation catalog (makemessages looks for this name). The engine
    imports no Django: reasons carry their Japanese wording and parameters, and the pages translate both."""
    return message


# Each name written out in a gettext_noop call, so that makemessages finds it.
WEEKDAY_NAMES = (
    gettext_noop("月曜日"),
    gettext_noop("火曜日"),
    gettext_noop("水曜日"),
    gettext_noop("木曜日"),
    gettext_noop("金曜日"),
    gettext_noop("土曜日"),
    gettext_noop("日曜日"),
)


@dataclass(frozen=True)
class IssueFacts:
    """One company's issue as the fit sees it. `key` is the caller's id (the HearingIssue pk)."""

    key: int
    category: str
    category_label: str
    text: str
    wanted: frozenset[str] = frozenset()
    # Expertise code -> its name, for every code the reasons may name (the wanted ones and the category's).
    expertise_labels: Mapping[str, str] = field(default_factory=dict)
    industry_major: str = ""  # JSIC division letter, e.g. "E"
    industry_middle: str = ""  # JSIC middle group code, e.g. "09"
    industry_major_label: str = ""  # e.g. 製造業
    industry_middle_label: str = ""  # e.g. 食料品製造業
    prefecture: str = ""
    prefecture_label: str = ""
    weekday: int | None = None  # of the event date, 0 = Monday
    group: int = 0  # the caller's grouping (the enrolment): rank_issues keeps the best issue per group


@dataclass(frozen=True)
class SeniorFacts:
    key: int
    expertise: frozenset[str] = frozenset()
    industry_majors: frozenset[str] = frozenset()
    industry_middles: frozenset[str] = frozenset()
    career_text: str = ""
    introduction: str = ""
    prefecture: str = ""
    travel_prefectures: frozenset[str] = frozenset()
    remote_ok: bool = False
    weekdays: int = 0  # bit i = available on weekday i
    agreements: Mapping[str, int] = field(default_factory=dict)  # issue category -> 支援成立 count
    no_shows: int = 0

    @property
    def document(self) -> str:
        return f"{self.career_text}\n{self.introduction}"


@dataclass(frozen=True)
class Reason:
    template: str  # the Japanese wording with %(name)s placeholders: a msgid of the catalog
    params: Mapping[str, object]
    strength: float  # the weighted contribution, to order the reasons

    @property
    def text(self) -> str:
        """The wording with its parameters as given (for tests and benchmarks: the pages translate `template`
        and `params` instead, and the Django side passes msgids, e.g. localflavor's English prefecture names)."""
        return self.template % self.params if self.params else self.template


@dataclass(frozen=True)
class Fit:
    issue: int
    senior: int
    score: float
    components: Mapping[str, float]
    reasons: tuple[Reason, ...]

    @property
    def reason_texts(self) -> list[str]:
        return [r.text for r in self.reasons]


# --- components: each returns (value in [0, 1], [(reason wording, its parameters, share of the value)]) ---


def expertise_component(issue: IssueFacts, senior: SeniorFacts) -> tuple[float, list[ReasonPart]]:
    """The category's own area counts 0.6, the other wanted areas share 0.4 (all 1.0 when none is asked)."""
    category_code, others, category_weight = _expertise_plan(issue.category, issue.wanted)
    reasons: list[ReasonPart] = []
    value = 0.0
    if category_code and category_code in senior.expertise:
        value += category_weight
        label = issue.expertise_labels.get(category_code) or issue.category_label
        reasons.append((gettext_noop("%(area)sの経験"), {"area": label}, category_weight))
    elif not category_code and not others:
        return 0.0, []
    if others:
        share = (1.0 - category_weight) / len(others) if category_code else 1.0 / len(others)
        for code in others:
            if code in senior.expertise:
                value += share
                area = issue.expertise_labels.get(code, code)
                reasons.append((gettext_noop("%(area)sの経験"), {"area": area}, share))
    return min(value, 1.0), reasons


@functools.lru_cache(maxsize=4096)
def _expertise_plan(category: str, wanted: frozenset[str]) -> tuple[str, tuple[str, ...], float]:
    """An issue's category area, its other wanted areas (in a fixed order) and the category area's weight:
    the same for every senior, so worked out once per issue (the publish-time mail scores every senior)."""
    category_code = CATEGORY_EXPERTISE.get(category, "")
    others = tuple(sorted(wanted - {category_code}))
    return category_code, others, 0.6 if others else 1.0


def industry_component(issue: IssueFacts, senior: SeniorFacts) -> tuple[float, list[ReasonPart]]:
    """Same middle group 1.0, same division 0.6; a career entry naming the industry adds 0.4 (capped at 1)."""
    value = 0.0
    reasons: list[ReasonPart] = []
    if issue.industry_middle and issue.industry_middle in senior.industry_middles:
        value = 1.0
        reasons.append(
            (
                gettext_noop("同業種（%(industry)s）の経験"),
                {"industry": issue.industry_middle_label or issue.industry_major_label},
                1.0,
            )
        )
    elif issue.industry_major and issue.industry_major in senior.industry_majors:
        value = 0.6
        reasons.append((gettext_noop("同業種（%(industry)s）の経験"), {"industry": issue.industry_major_label}, 0.6))
    core = industry_core(issue.industry_middle_label)
    if core and core in senior.career_text and value < 1.0:
        value = min(1.0, value + 0.4)
        if not reasons:
            reasons.append((gettext_noop("職歴に「%(word)s」"), {"word": core}, 0.4))
    return value, reasons


@functools.lru_cache(maxsize=1024)
def industry_core(label: str) -> str:
    """「食料品製造業」 -> 「食料品」: the part of a JSIC name a career entry would say."""
    for suffix in ("製造業", "小売業", "卸売業", "業"):
        if label.endswith(suffix) and len(label) > len(suffix) + 1:
            return label[: -len(suffix)]
    return label if len(label) >= 2 else ""


def place_component(issue: IssueFacts, senior: SeniorFacts) -> tuple[float, list[ReasonPart]]:
    if issue.prefecture and senior.prefecture == issue.prefecture:
        return 1.0, [(gettext_noop("同じ県（%(prefecture)s）"), {"prefecture": issue.prefecture_label}, 1.0)]
    if issue.prefecture and issue.prefecture in senior.travel_prefectures:
        return 0.7, [(gettext_noop("%(prefecture)sへ訪問可能"), {"prefecture": issue.prefecture_label}, 0.7)]
    if senior.remote_ok:
        return 0.5, [(gettext_noop("オンライン支援可"), {}, 0.5)]
    return 0.0, []


def weekday_component(issue: IssueFacts, senior: SeniorFacts) -> tuple[float, list[ReasonPart]]:
    if issue.weekday is None:
        return 0.0, []
    if senior.weekdays & (1 << issue.weekday):
        return 1.0, [(gettext_noop("開催日の%(weekday)sに活動可"), {"weekday": WEEKDAY_NAMES[issue.weekday]}, 1.0)]
    if senior.weekdays == 0:
        return 0.5, []  # not said: neither for nor against
    return 0.0, []


def outcome_component(issue: IssueFacts, senior: SeniorFacts) -> tuple[float, list[ReasonPart]]:
    count = senior.agreements.get(issue.category, 0)
    if count <= 0:
        return 0.0, []
    reason = (gettext_noop("この分類で支援成立 %(count)s 件"), {"count": count}, 1.0)
    return min(count, OUTCOME_CAP) / OUTCOME_CAP, [reason]


def text_component(similarity: float) -> tuple[float, list[ReasonPart]]:
    # Cosine similarities of short Japanese texts over char grams rarely pass 0.5; scaled so 0.5 counts fully.
    value = min(1.0, max(0.0, similarity) * 2.0)
    if value < 0.2:
        return value, []
    return value, [(gettext_noop("課題の内容と経歴・自己紹介が近い"), {}, 1.0)]


def no_show_penalty(senior: SeniorFacts) -> float:
    return min(NO_SHOW_PENALTY_MAX, NO_SHOW_PENALTY * max(0, senior.no_shows - 1))


# --- the score ---------------------------------------------------------------------------------------------


Parts = dict[str, tuple[float, list[ReasonPart]]]


def _structure(issue: IssueFacts, senior: SeniorFacts) -> tuple[float, Parts]:
    """Every component but the text, and their weighted sum less the no-show penalty."""
    parts: Parts = {
        "expertise": expertise_component(issue, senior),
        "industry": industry_component(issue, senior),
        "place": place_component(issue, senior),
        "weekday": weekday_component(issue, senior),
        "outcome": outcome_component(issue, senior),
    }
    score = 0.0
    for name, (value, _reasons) in parts.items():
        score += WEIGHTS[name] * value
    return score - no_show_penalty(senior), parts


def _assemble(issue: IssueFacts, senior: SeniorFacts, structure: tuple[float, Parts], text: float) -> Fit:
    score, parts = structure
    parts = {**parts, "text": text_component(text)}
    components = {name: value for name, (value, _r) in parts.items()}
    components["no_show"] = -no_show_penalty(senior)
    reasons = [
        Reason(template=wording, params=params, strength=WEIGHTS[name] * share)
        for name, (_v, listed) in parts.items()
        for wording, params, share in listed
    ]
    reasons.sort(key=lambda r: -r.strength)  # stable: equal strengths keep the component order above
    return Fit(
        issue=issue.key,
        senior=senior.key,
        score=round(score + WEIGHTS["text"] * components["text"], 6),
        components=components,
        reasons=tuple(reasons[:MAX_REASONS]),
    )


def fit_score(issue: IssueFacts, senior: SeniorFacts, *, text: float = 0.0) -> Fit:
    """The fit of one pair; `text` is the cosine similarity of the issue's text and the senior's document."""
    return _assemble(issue, senior, _structure(issue, senior), text)


def structural_upper_bound(issue: IssueFacts, senior: SeniorFacts) -> float:
    """The highest score the pair can reach whatever its text similarity: to skip pairs below a threshold."""
    return fit_score(issue, senior, text=0.0).score + WEIGHTS["text"]


def rank_seniors(issue: IssueFacts, seniors: Sequence[SeniorFacts], *, limit: int = 10) -> list[Fit]:
    """The best `limit` seniors for `issue`, best first (ties: the lower key first, for a stable order)."""
    if not seniors:
        return []
    return SeniorIndex(seniors).rank(issue, limit=limit)


class SeniorIndex:
    """Candidate seniors prepared once for ranking against several issues (a company's sheet has several):
    the TF-IDF model over their documents and their vectors."""

    def __init__(self, seniors: Sequence[SeniorFacts]) -> None:
        self.seniors = list(seniors)
        self.model = TfIdf(s.document for s in self.seniors)
        self.vectors = self.model.corpus_vectors

    def rank(self, issue: IssueFacts, *, limit: int = 10) -> list[Fit]:
        query = self.model.vector(issue.text)
        fits = [
            fit_score(issue, s, text=TfIdf.cosine(query, v)) for s, v in zip(self.seniors, self.vectors, strict=True)
        ]
        fits.sort(key=lambda f: (-f.score, f.senior))
        return fits[:limit]


def rank_issues(
    senior: SeniorFacts, issues: Sequence[IssueFacts], *, limit: int | None = None, one_per_group: bool = True
) -> list[Fit]:
    """The issues of an event for one senior, best first; with `one_per_group`, each company (group) once,
    at its best-fitting issue (a senior applies to companies, not to single issues)."""
    return IssueIndex(issues).fits(senior, limit=limit, one_per_group=one_per_group)


class IssueIndex:
    """An event's issues prepared once for scoring many seniors (the publish-time mail): the TF-IDF model
    over the issues' texts, their vectors, and the issues by the expertise area and category they ask for."""

    def __init__(self, issues: Iterable[IssueFacts]) -> None:
        self.issues = list(issues)
        self.model = TfIdf(i.text for i in self.issues)
        self.vectors = {i.key: v for i, v in zip(self.issues, self.model.corpus_vectors, strict=True)}
        self.group = {i.key: i.group for i in self.issues}
        self._rows = {i.key: row for row, i in enumerate(self.issues)}
        self._columns = {gram: column for column, gram in enumerate(self.model.idf)}
        self._matrix: numpy.ndarray | None = None  # issues x grams, see _similarities
        self.by_area: dict[str, list[IssueFacts]] = {}
        self.by_category: dict[str, list[IssueFacts]] = {}
        for issue in self.issues:
            areas = set(issue.wanted)
            if issue.category in CATEGORY_EXPERTISE:
                areas.add(CATEGORY_EXPERTISE[issue.category])
            for area in areas:
                self.by_area.setdefault(area, []).append(issue)
            self.by_category.setdefault(issue.category, []).append(issue)

    def related(self, senior: SeniorFacts) -> list[IssueFacts]:
        """The issues that ask for one of the senior's areas or are in a category they succeeded in."""
        seen: dict[int, IssueFacts] = {}
        for area in senior.expertise:
            for issue in self.by_area.get(area, ()):
                seen[issue.key] = issue
        for category in senior.agreements:
            for issue in self.by_category.get(category, ()):
                seen[issue.key] = issue
        return list(seen.values())

    def fits(
        self,
        senior: SeniorFacts,
        *,
        threshold: float | None = None,
        related_only: bool = False,
        limit: int | None = None,
        one_per_group: bool = True,
    ) -> list[Fit]:
        """The senior's fits, best first. With `threshold`, only those at or above it (the text is computed
        only where the rest of the score leaves it a chance); with `related_only`, only related() issues.

        The publish-time mail calls this for every senior, so it does the least per pair: the structural
        part first (pairs it rules out get no text), the text similarities of the rest in one product with
        the issues' matrix, the scores from both, and reasons (the costly part) only for the fits returned.
        """
        scored: list[tuple[float, int, IssueFacts, tuple[float, Parts], float]] = []
        candidates = []
        for issue in self.related(senior) if related_only else self.issues:
            structure = _structure(issue, senior)
            if threshold is not None and structure[0] + WEIGHTS["text"] < threshold:
                continue
            candidates.append((issue, structure))
        if not candidates:
            return []
        similarities = self._similarities(senior, [issue for issue, _structure_ in candidates])
        for (issue, structure), similarity in zip(candidates, similarities, strict=True):
            raw = structure[0] + WEIGHTS["text"] * text_component(similarity)[0]
            if threshold is not None and raw < threshold:
                continue
            scored.append((round(raw, 6), issue.key, issue, structure, similarity))  # the score _assemble gives
        scored.sort(key=lambda row: (-row[0], row[1]))
        if one_per_group:
            seen: set[int] = set()
            kept = []
            for row in scored:
                if self.group[row[1]] not in seen:
                    seen.add(self.group[row[1]])
                    kept.append(row)
            scored = kept
        if limit is not None:
            scored = scored[:limit]
        return [_assemble(issue, senior, structure, similarity) for _s, _k, issue, structure, similarity in scored]

    def _similarities(self, senior: SeniorFacts, issues: Sequence[IssueFacts]) -> list[float]:
        """Cosine similarities of the senior's document with each of `issues`' texts. Only the document's
        grams that occur in some issue can count, so the document vector is cut to those and multiplied
        with the issues' rows of a dense matrix (built on first use)."""
        if self._matrix is None:
            self._matrix = numpy.zeros((len(self.issues), len(self._columns)))
            for row, issue in enumerate(self.issues):
                for gram, weight in self.vectors[issue.key].items():
                    self._matrix[row, self._columns[gram]] = weight
        document = self.model.vector(senior.document)
        columns = [self._columns[gram] for gram in document if gram in self._columns]
        if not columns:
            return [0.0] * len(issues)
        weights = numpy.fromiter((document[g] for g in document if g in self._columns), dtype=float)
        rows = [self._rows[issue.key] for issue in issues]
        return [float(x) for x in self._matrix[numpy.ix_(rows, columns)] @ weights]


# --- text similarity ----------------------------------------------------------------------------------------

_SPACE = re.compile(r"\s+")


def char_grams(text: str) -> Counter[str]:
    """Character 2- and 3-grams of the NFKC-folded, lower-cased text, not crossing whitespace."""
    folded = unicodedata.normalize("NFKC", text).lower()
    grams: Counter[str] = Counter()
    for chunk in _SPACE.split(folded):
        for n in (2, 3):
            for i in range(len(chunk) - n + 1):
                grams[chunk[i : i + n]] += 1
    return grams


class TfIdf:
    """TF-IDF (sublinear tf, smoothed idf, L2-normalised) over char 2-3-grams of a corpus of documents.

    `corpus_vectors` are the documents' own vectors, computed from the grams counted for the idf (each
    document is cut into grams once)."""

    def __init__(self, documents: Iterable[str]) -> None:
        grams = [char_grams(document) for document in documents]
        df: Counter[str] = Counter()
        for counts in grams:
            df.update(counts.keys())
        count = len(grams)
        self.idf = {gram: math.log((1 + count) / (1 + n)) + 1.0 for gram, n in df.items()}
        self.default_idf = math.log(1 + count) + 1.0
        self.corpus_vectors = [self._weigh(counts) for counts in grams]

    def _weigh(self, counts: Mapping[str, int]) -> dict[str, float]:
        idf, default = self.idf, self.default_idf
        weights = {gram: (1.0 + math.log(tf)) * idf.get(gram, default) for gram, tf in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        return {g: w / norm for g, w in weights.items()} if norm else {}

    def vector(self, text: str) -> dict[str, float]:
        return self._weigh(char_grams(text))

    @staticmethod
    def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
        if len(a) > len(b):
            a, b = b, a
        return sum(w * b.get(g, 0.0) for g, w in a.items())
