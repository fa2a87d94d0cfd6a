"""The fit engine (matching/engine/fit.py): each component, the reasons in Japanese, the ranking; no Django."""

from __future__ import annotations

import subprocess
import sys

import pytest

from matching.engine.fit import (
    WEIGHTS,
    IssueFacts,
    SeniorFacts,
    TfIdf,
    char_grams,
    expertise_component,
    fit_score,
    industry_component,
    no_show_penalty,
    outcome_component,
    place_component,
    rank_issues,
    rank_seniors,
    structural_upper_bound,
    text_component,
    weekday_component,
)

LABELS = {"sales-channels": "販路開拓", "overseas": "海外展開", "marketing": "営業・マーケティング"}


def said(result):
    """A component's value and its reasons as the Japanese pages read them, with their shares."""
    value, reasons = result
    return value, [(wording % params if params else wording, share) for wording, params, share in reasons]


def worded(reasons):
    """A component's reasons as the Japanese pages read them."""
    return [wording % params if params else wording for wording, params, _share in reasons]


def issue(**kw) -> IssueFacts:
    base = {
        "key": 1,
        "category": "sales",
        "category_label": "販路開拓",
        "text": "首都圏の百貨店への販路を開拓したい",
        "wanted": frozenset({"sales-channels", "overseas"}),
        "expertise_labels": LABELS,
        "industry_major": "E",
        "industry_middle": "09",
        "industry_major_label": "製造業",
        "industry_middle_label": "食料品製造業",
        "prefecture": "15",
        "prefecture_label": "新潟県",
        "weekday": 2,
    }
    base.update(kw)
    return IssueFacts(**base)


def senior(**kw) -> SeniorFacts:
    return SeniorFacts(**{"key": 1, **kw})


def test_weights_sum_to_one():
    assert sum(WEIGHTS.values()) == pytest.approx(1.0)


def test_expertise_category_area_counts_most_and_names_it():
    value, reasons = expertise_component(issue(), senior(expertise=frozenset({"sales-channels"})))
    assert value == pytest.approx(0.6)
    assert worded(reasons) == ["販路開拓の経験"]


def test_expertise_other_wanted_area_shares_the_rest():
    value, reasons = expertise_component(issue(), senior(expertise=frozenset({"sales-channels", "overseas"})))
    assert value == pytest.approx(1.0)
    assert worded(reasons) == ["販路開拓の経験", "海外展開の経験"]


def test_expertise_only_category_when_nothing_else_wanted():
    value, _ = expertise_component(issue(wanted=frozenset()), senior(expertise=frozenset({"sales-channels"})))
    assert value == 1.0


def test_expertise_none_matching_is_zero():
    assert said(expertise_component(issue(), senior(expertise=frozenset({"finance"})))) == (0.0, [])


def test_industry_same_middle_group():
    value, reasons = industry_component(issue(), senior(industry_middles=frozenset({"09"})))
    assert (value, worded(reasons)) == (1.0, ["同業種（食料品製造業）の経験"])


def test_industry_same_division():
    value, reasons = industry_component(issue(), senior(industry_majors=frozenset({"E"})))
    assert (value, worded(reasons)) == (0.6, ["同業種（製造業）の経験"])


def test_industry_career_entry_naming_it():
    value, reasons = industry_component(issue(), senior(career_text="日本食料品株式会社 営業部 部長"))
    assert (value, worded(reasons)) == (0.4, ["職歴に「食料品」"])


def test_industry_division_plus_career_is_capped():
    value, _ = industry_component(issue(), senior(industry_majors=frozenset({"E"}), career_text="食料品の工場長"))
    assert value == pytest.approx(1.0)


def test_place_same_prefecture_then_travel_then_remote():
    assert said(place_component(issue(), senior(prefecture="15"))) == (1.0, [("同じ県（新潟県）", 1.0)])
    assert said(place_component(issue(), senior(travel_prefectures=frozenset({"15"})))) == (
        0.7,
        [("新潟県へ訪問可能", 0.7)],
    )
    assert said(place_component(issue(), senior(prefecture="13", remote_ok=True))) == (0.5, [("オンライン支援可", 0.5)])
    assert said(place_component(issue(), senior(prefecture="13"))) == (0.0, [])


def test_weekday_available_unknown_and_unavailable():
    assert said(weekday_component(issue(weekday=2), senior(weekdays=0b100))) == (1.0, [("開催日の水曜日に活動可", 1.0)])
    assert said(weekday_component(issue(weekday=2), senior(weekdays=0))) == (0.5, [])
    assert said(weekday_component(issue(weekday=2), senior(weekdays=0b11))) == (0.0, [])


def test_outcome_counts_agreements_in_the_same_category_only():
    assert said(outcome_component(issue(), senior(agreements={"sales": 2}))) == (
        pytest.approx(2 / 3),
        [("この分類で支援成立 2 件", 1.0)],
    )
    assert said(outcome_component(issue(), senior(agreements={"finance": 5}))) == (0.0, [])
    assert outcome_component(issue(), senior(agreements={"sales": 9}))[0] == 1.0


def test_no_show_penalty_forgives_one_and_is_capped():
    assert no_show_penalty(senior(no_shows=1)) == 0.0
    assert no_show_penalty(senior(no_shows=2)) == pytest.approx(0.1)
    assert no_show_penalty(senior(no_shows=9)) == pytest.approx(0.3)


def test_text_component_scales_and_gives_a_reason_when_close():
    assert said(text_component(0.05)) == (pytest.approx(0.1), [])
    assert said(text_component(0.4)) == (pytest.approx(0.8), [("課題の内容と経歴・自己紹介が近い", 1.0)])
    assert text_component(0.9)[0] == 1.0


def test_char_grams_are_two_and_three_grams_folded():
    assert char_grams("ＤＸ推進") == {"dx": 1, "x推": 1, "推進": 1, "dx推": 1, "x推進": 1}


def test_tfidf_related_texts_are_closer_than_unrelated():
    model = TfIdf(["品質管理の経験", "品質保証部で勤務", "海外営業を担当", "人事制度の設計"])
    query = model.vector("品質管理の仕組みを作りたい")
    assert model.cosine(query, model.vector("品質管理の経験")) > model.cosine(query, model.vector("海外営業を担当"))
    assert model.cosine(query, model.vector("人事制度の設計")) == 0.0


def test_fit_score_reasons_in_japanese_best_first():
    fit = fit_score(
        issue(),
        senior(
            expertise=frozenset({"sales-channels"}),
            industry_majors=frozenset({"E"}),
            prefecture="15",
            agreements={"sales": 2},
            weekdays=0b100,
        ),
    )
    assert fit.reason_texts == ["販路開拓の経験", "この分類で支援成立 2 件", "同じ県（新潟県）"]
    expected = 0.35 * 0.6 + 0.15 * 0.6 + 0.10 * 1.0 + 0.05 * 1.0 + 0.15 * (2 / 3)
    assert fit.score == pytest.approx(expected)


def test_fit_score_subtracts_no_shows():
    good = senior(expertise=frozenset({"sales-channels"}))
    absent = senior(expertise=frozenset({"sales-channels"}), no_shows=3)
    assert fit_score(issue(), good).score - fit_score(issue(), absent).score == pytest.approx(0.2)


def test_structural_upper_bound_is_never_below_the_score():
    s = senior(expertise=frozenset({"sales-channels"}))
    assert fit_score(issue(), s, text=1.0).score == pytest.approx(structural_upper_bound(issue(), s))


def test_rank_seniors_puts_the_planted_fit_first():
    seniors = [
        senior(key=1, expertise=frozenset({"finance"}), introduction="財務の改善を担当しました"),
        senior(
            key=2, expertise=frozenset({"sales-channels"}), introduction="百貨店への販路開拓を担当", prefecture="15"
        ),
        senior(key=3, expertise=frozenset({"sales-channels"}), introduction="工場の生産管理"),
    ]
    fits = rank_seniors(issue(), seniors, limit=2)
    assert [f.senior for f in fits] == [2, 3]
    assert "同じ県（新潟県）" in fits[0].reason_texts


def test_rank_issues_one_per_company_best_first():
    s = senior(expertise=frozenset({"finance"}), introduction="資金繰りと財務の改善")
    issues = [
        issue(key=1, group=10, category="sales", text="販路を広げたい"),
        issue(key=2, group=10, category="finance", category_label="財務", text="資金繰りを改善したい"),
        issue(key=3, group=20, category="hr", category_label="人材育成", text="若手を育てたい"),
    ]
    fits = rank_issues(s, issues)
    assert [f.issue for f in fits] == [2, 3]
    assert fits[0].reason_texts[0] == "財務の経験"


def test_the_engine_imports_no_django():
    code = "import sys, matching.engine.fit; print(any(m.split('.')[0] == 'django' for m in sys.modules))"
    # A fresh interpreter: this one has Django loaded already. The command is a constant.
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)  # noqa: S603
    assert out.stdout.strip() == "False"


def test_issue_index_threshold_and_related_only_agree_with_the_full_scan():
    from matching.engine.fit import IssueIndex

    s = senior(expertise=frozenset({"finance"}), introduction="資金繰りと財務の改善", prefecture="15")
    issues = [
        issue(key=1, group=10, category="sales", text="販路を広げたい"),
        issue(key=2, group=20, category="finance", category_label="財務", text="資金繰りを改善したい"),
        issue(key=3, group=30, category="finance", category_label="財務", text="銀行との交渉", prefecture="13"),
    ]
    index = IssueIndex(issues)
    everything = index.fits(s)
    assert [f.issue for f in index.fits(s, related_only=True)] == [2, 3]
    above = [f.issue for f in everything if f.score >= 0.4]
    assert [f.issue for f in index.fits(s, threshold=0.4, related_only=True)] == above


def said_fits(fits, *, approx=False):
    """What a fit says; with `approx`, its components up to the last bits of a float (a matrix product sums
    the text similarity in another order than the plain loop)."""
    return [
        (f.issue, f.score, f.reasons, pytest.approx(f.components, abs=1e-12) if approx else f.components) for f in fits
    ]


def test_issue_index_gives_exactly_what_scoring_each_pair_gives_on_random_events():
    """IssueIndex.fits (structure first, the text in one matrix product, reasons only for what it returns)
    against the plain definition: fit_score of every pair with TfIdf.cosine, sorted, one per company."""
    import random

    from matching.engine.fit import IssueIndex

    rng = random.Random(7)
    words = ["販路", "百貨店", "資金繰り", "品質", "海外", "後継者", "工場", "ＤＸ", "受発注", "人材", "育成", "銀行"]
    areas = ["sales-channels", "overseas", "marketing", "finance", "succession"]
    categories = ["sales", "overseas", "finance", "succession", "quality"]

    def text() -> str:
        return "".join(rng.choice(words) + rng.choice(["を", "の", "と", "。", " "]) for _ in range(rng.randint(1, 8)))

    for _event in range(20):
        issues = [
            issue(
                key=k,
                group=k // 2,
                category=rng.choice(categories),
                text=text(),
                wanted=frozenset(rng.sample(areas, rng.randint(0, 2))),
                prefecture=rng.choice(["13", "14", "15"]),
            )
            for k in range(rng.randint(1, 12))
        ]
        index = IssueIndex(issues)
        for _senior in range(10):
            s = senior(
                expertise=frozenset(rng.sample(areas, rng.randint(0, 3))),
                introduction=text(),
                career_text=text(),
                prefecture=rng.choice(["13", "14", "15"]),
                agreements={rng.choice(categories): rng.randint(1, 3)} if rng.random() < 0.3 else {},
            )
            document = index.model.vector(s.document)
            plain = sorted(
                (fit_score(i, s, text=TfIdf.cosine(document, index.vectors[i.key])) for i in issues),
                key=lambda f: (-f.score, f.issue),
            )
            for threshold in (None, 0.3, 0.45):
                expected, groups = [], set()
                for f in plain:
                    if (threshold is None or f.score >= threshold) and index.group[f.issue] not in groups:
                        groups.add(index.group[f.issue])
                        expected.append(f)
                assert said_fits(index.fits(s, threshold=threshold), approx=True) == said_fits(expected)
                assert said_fits(index.fits(s, threshold=threshold, limit=3), approx=True) == said_fits(expected[:3])
