"""Reads for questionnaires: lists, and the statistics of a set of responses."""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from questionnaires.models import OTHER, Question, Questionnaire, Response


def questions_of(*, questionnaire: Questionnaire) -> list[Question]:
    return list(questionnaire.questions.select_related("show_if_question"))


def response_list(*, responses: QuerySet[Response], date_from=None, date_to=None, staff=None, branch=None):
    if date_from:
        responses = responses.filter(created_at__date__gte=date_from)
    if date_to:
        responses = responses.filter(created_at__date__lte=date_to)
    if staff:
        responses = responses.filter(staff=staff)
    if branch:
        responses = responses.filter(branch=branch)
    return responses


@dataclass
class Bar:
    label: str
    count: int
    percent: float


@dataclass
class QuestionStats:
    question: Question
    answered: int = 0
    bars: list[Bar] = field(default_factory=list)
    average: float | None = None
    nps: float | None = None
    promoters: float | None = None
    detractors: float | None = None
    texts: list[str] = field(default_factory=list)


def _pct(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def statistics(*, questions: list[Question], responses) -> tuple[int, list[QuestionStats]]:
    """(number of responses, per-question statistics). Percentages are of the people who answered
    that question, so multiple-choice percentages may add up to more than 100."""
    rows = [r.answers for r in responses.only("answers")]
    result = []
    for question in questions:
        stats = QuestionStats(question=question)
        values = [row[question.key] for row in rows if question.key in row]
        stats.answered = len(values)
        if question.is_choice:
            counts = Counter()
            for value in values:
                counts.update(value if isinstance(value, list) else [value])
            labels = list(question.options) + ([OTHER] if question.allow_other else [])
            for label in labels:
                shown = str(_other_label()) if label == OTHER else label
                stats.bars.append(Bar(shown, counts[label], _pct(counts[label], stats.answered)))
            if question.allow_other:
                stats.texts = [row[f"{question.key}.other"] for row in rows if f"{question.key}.other" in row]
        elif question.kind in (Question.Kind.RATING, Question.Kind.NPS):
            counts = Counter(values)
            scale = range(1, 6) if question.kind == Question.Kind.RATING else range(0, 11)
            stats.bars = [Bar(str(n), counts[n], _pct(counts[n], stats.answered)) for n in scale]
            stats.average = round(sum(values) / len(values), 2) if values else None
            if question.kind == Question.Kind.NPS and values:
                stats.promoters = _pct(sum(1 for v in values if v >= 9), len(values))
                stats.detractors = _pct(sum(1 for v in values if v <= 6), len(values))
                promoters = sum(1 for v in values if v >= 9)
                detractors = sum(1 for v in values if v <= 6)
                stats.nps = round(100 * (promoters - detractors) / len(values), 1)
        elif question.kind != Question.Kind.CONTACT:
            stats.texts = [str(v) for v in values]
        result.append(stats)
    return len(rows), result


def _other_label():
    from django.utils.translation import gettext

    return gettext("Other")


def rollup(*, responses) -> dict:
    """Responses by manager and by branch (and the total): who brings answers in."""
    by_staff = list(
        responses.values("staff__name", "staff__branch__name").annotate(n=Count("pk")).order_by("-n", "staff__name")
    )
    by_branch = list(responses.values("branch__name").annotate(n=Count("pk")).order_by("-n", "branch__name"))
    return {"staff": by_staff, "branches": by_branch, "total": responses.count()}
