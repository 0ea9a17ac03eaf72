from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from org.models import Branch, Staff
from questionnaires.models import Question, Questionnaire


class QuestionnaireForm(forms.ModelForm):
    class Meta:
        model = Questionnaire
        fields = ["title", "welcome_text", "thanks_text", "opens_at", "closes_at", "max_responses"]
        widgets = {
            "welcome_text": forms.Textarea(attrs={"rows": 2}),
            "thanks_text": forms.Textarea(attrs={"rows": 2}),
            "opens_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "closes_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        }

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", _("The closing time must be after the opening time."))
        cap = data.get("max_responses")
        if cap is not None and self.instance.pk and cap < self.instance.response_count:
            self.add_error("max_responses", _("The cap cannot be below the responses already received."))
        if cap == 0:
            self.add_error("max_responses", _("Leave it empty for no cap."))
        return data


class QuestionForm(forms.ModelForm):
    options_text = forms.CharField(
        label=_("Options, one per line, in order"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    class Meta:
        model = Question
        fields = [
            "kind",
            "text",
            "required",
            "allow_other",
            "min_choices",
            "max_choices",
            "show_if_question",
            "show_if_value",
        ]

    def __init__(self, *args, questionnaire: Questionnaire, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["show_if_question"].queryset = questionnaire.questions.filter(kind__in=Question.CHOICE_KINDS)
        self.fields["show_if_question"].required = False

    def clean(self):
        data = super().clean()
        options = [line.strip() for line in data.get("options_text", "").splitlines() if line.strip()]
        kind = data.get("kind")
        if kind in Question.CHOICE_KINDS:
            if len(options) < 2:
                self.add_error("options_text", _("A choice question needs at least two options."))
            if len(set(options)) != len(options):
                self.add_error("options_text", _("Each option must be different."))
            if any(len(o) > 100 for o in options):
                self.add_error("options_text", _("Keep each option under 100 characters."))
        else:
            options = []
            data["allow_other"] = False
        if kind == Question.Kind.MULTIPLE:
            low, high = data.get("min_choices"), data.get("max_choices")
            if low and high and low > high:
                self.add_error("max_choices", _("“At most” cannot be less than “at least”."))
            if high and high > len(options) + (1 if data.get("allow_other") else 0):
                self.add_error("max_choices", _("“At most” cannot exceed the number of options."))
        else:
            data["min_choices"] = data["max_choices"] = None
        if data.get("show_if_question") and not data.get("show_if_value"):
            self.add_error("show_if_value", _("Say which answer shows this question."))
        if not data.get("show_if_question"):
            data["show_if_value"] = ""
        data["options"] = options
        return data

    def question_fields(self) -> dict:
        data = self.cleaned_data
        names = ["kind", "text", "required", "allow_other", "min_choices", "max_choices", "show_if_question"]
        return {**{n: data.get(n) for n in names}, "show_if_value": data["show_if_value"], "options": data["options"]}


class ResultsFilterForm(forms.Form):
    date_from = forms.DateField(
        label=pgettext_lazy("start of a date range", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    staff = forms.ModelChoiceField(label=_("Account manager"), queryset=Staff.objects.none(), required=False)
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=Branch.objects.none(), required=False)

    def __init__(self, *args, staff_queryset, branch_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff_queryset
        self.fields["branch"].queryset = branch_queryset

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v}
