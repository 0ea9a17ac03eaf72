"""The filter every statistics page and export shares: a period, a metric, and (for branches) whether
to rank per head."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from insights.rollups import stats_today
from insights.statistics import METRICS, PERIOD_LABELS, PERIODS, PeriodError, metric_choices, period_parse

DEFAULT_PERIOD = "7d"
DEFAULT_METRIC = "page_views"


class StatsFilterForm(forms.Form):
    """Reads `period`, `start`, `end`, `metric` and `per_capita` from the query string. Missing
    values take their defaults; wrong ones are errors (the page then shows the default period and
    the message, with status 400)."""

    period = forms.ChoiceField(
        label=_("Period"),
        choices=[(p, PERIOD_LABELS[p]) for p in PERIODS],
        required=False,
        widget=forms.RadioSelect,
    )
    start = forms.CharField(
        label=pgettext_lazy("start of a date range", "From"),
        required=False,
        max_length=10,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.CharField(label=_("To"), required=False, max_length=10, widget=forms.DateInput(attrs={"type": "date"}))
    metric = forms.ChoiceField(label=_("Metric"), choices=(), required=False)
    per_capita = forms.BooleanField(label=_("Per staff member"), required=False)

    def __init__(self, data=None, *args, **kwargs):
        given = data.dict() if hasattr(data, "dict") else dict(data or {})
        # Always bound, so a page without a query string shows (and uses) the defaults.
        merged = {"period": DEFAULT_PERIOD, "metric": DEFAULT_METRIC}
        merged.update({key: value for key, value in given.items() if value != ""})
        super().__init__(merged, *args, **kwargs)
        self.fields["metric"].choices = metric_choices()

    def clean(self):
        cleaned = super().clean()
        value = cleaned.get("period") or DEFAULT_PERIOD
        cleaned["period"] = value
        cleaned["metric"] = cleaned.get("metric") or DEFAULT_METRIC
        try:
            cleaned["range"] = period_parse(
                value, cleaned.get("start", ""), cleaned.get("end", ""), today=stats_today()
            )
        except PeriodError as error:
            self.add_error("start" if value == "custom" else "period", error.message)
        return cleaned

    def filters(self) -> dict:
        """What the page shows: the valid choices, or the defaults where the input was wrong (a bad
        date range does not lose the chosen metric)."""
        today = stats_today()
        if self.is_valid():
            data = self.cleaned_data
            return {
                "period_name": data["period"],
                "period": data["range"],
                "metric": data["metric"],
                "per_capita": data["per_capita"],
            }
        metric = self.data.get("metric")
        return {
            "period_name": DEFAULT_PERIOD,
            "period": period_parse(DEFAULT_PERIOD, "", "", today=today),
            "metric": metric if metric in METRICS else DEFAULT_METRIC,
            "per_capita": False,
        }
