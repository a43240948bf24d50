"""The feedback form people answer, built from the workshop's questions, and the organisers'
forms for setting it up."""

from typing import Any

from django import forms
from django.utils import timezone

from feedback.models import MAX_DAYS_OPEN, FeedbackForm, Question, Response
from feedback.reports import SCALE_KEYS, STANDARD_TEXT, who_choices
from feedback.services import MAX_ACTION_TEXT, MAX_TEXT, AnswerValue
from workshops.models import Workshop

ANSWER_REQUIRED = "Please answer this question."
NOT_AN_ANSWER = "Choose one of the answers given."


class ResponseForm(forms.Form):
    """One field per question, named `q<id>`: radios for a scale or single choice (a fieldset
    with the question as its legend), tick boxes for multiple choice, a box for free text."""

    def __init__(
        self,
        *args: Any,
        questions: list[Question],
        easy_read: bool = False,
        response: Response | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        previous: dict[int, list[Any]] = {}
        if response is not None:
            for answer in response.answers.all():
                previous.setdefault(answer.question_id, []).append(
                    answer.text if answer.value is None else answer.value
                )
        for question in questions:
            name = f"q{question.pk}"
            common: dict[str, Any] = {
                "label": question.wording(easy_read),
                "required": question.required,
                "error_messages": {
                    "required": ANSWER_REQUIRED,
                    "invalid_choice": NOT_AN_ANSWER,
                    "invalid_list": NOT_AN_ANSWER,
                },
            }
            choices = [(str(value), label) for value, label in question.options(easy_read)]
            had = previous.get(question.pk, [])
            if question.kind in (Question.Kind.SCALE, Question.Kind.SINGLE):
                self.fields[name] = forms.TypedChoiceField(
                    choices=choices,
                    coerce=int,
                    empty_value=None,
                    widget=forms.RadioSelect,
                    **common,
                )
                if had:
                    self.initial[name] = str(had[0])
            elif question.kind == Question.Kind.MULTIPLE:
                self.fields[name] = forms.TypedMultipleChoiceField(
                    choices=choices,
                    coerce=int,
                    widget=forms.CheckboxSelectMultiple,
                    help_text="Tick all that apply."
                    if not easy_read
                    else "Tick all the answers you want.",
                    **common,
                )
                if had:
                    self.initial[name] = [str(v) for v in had]
            else:
                self.fields[name] = forms.CharField(
                    widget=forms.Textarea(attrs={"rows": 4}),
                    max_length=MAX_TEXT,
                    **common,
                )
                self.fields[name].error_messages["max_length"] = (
                    f"Please keep this to {MAX_TEXT} characters or fewer."
                )
                if had:
                    self.initial[name] = had[0]
        self.fields["quote_consent"] = forms.BooleanField(
            label="You can share my words. You will not say my name."
            if easy_read
            else "You may quote what I wrote, without my name",
            required=False,
            help_text="We might use short quotes in reports and when we share what we changed."
            if not easy_read
            else "We might put your words in a report.",
        )
        if response is not None:
            self.initial["quote_consent"] = response.quote_consent

    def answers(self) -> dict[int, AnswerValue]:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}") for q in self.questions}


class FormSettingsForm(forms.ModelForm):
    class Meta:
        model = FeedbackForm
        fields = ["days_open", "anonymous", "easy_read"]
        error_messages = {
            "days_open": {
                "required": "Say how many days the form stays open.",
                "invalid": "Enter a number of days, like 14.",
            }
        }

    def __init__(self, *args: Any, has_answers: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        days = self.fields["days_open"]
        days.min_value = 1
        days.max_value = MAX_DAYS_OPEN
        days.widget.attrs.update({"min": 1, "max": MAX_DAYS_OPEN, "inputmode": "numeric"})
        days.error_messages["min_value"] = f"Choose between 1 and {MAX_DAYS_OPEN} days."
        days.error_messages["max_value"] = f"Choose between 1 and {MAX_DAYS_OPEN} days."
        if has_answers:
            self.fields["anonymous"].disabled = True
            self.fields[
                "anonymous"
            ].help_text = "People have already answered, so this can't be changed now."


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind of question",
        choices=Question.Kind.choices,
        widget=forms.RadioSelect,
        initial=Question.Kind.SCALE,
        error_messages={"required": "Choose what kind of question it is."},
    )
    text = forms.CharField(
        label="Question",
        max_length=300,
        help_text="For a scale, write a statement people agree or disagree with, e.g. “I knew "
        "what we were going to do”.",
        error_messages={"required": "Write the question."},
    )
    easy_read_text = forms.CharField(
        label="Easy-read wording (optional)",
        max_length=300,
        required=False,
        help_text="Short words and a short sentence, e.g. “I knew what we would do”.",
    )
    choices = forms.CharField(
        label="Answers to choose from",
        required=False,
        max_length=3000,
        error_messages={"max_length": "Please keep the answers to 3,000 characters or fewer."},
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only for “choose one” and “choose any” questions. One answer a line.",
    )
    required = forms.BooleanField(label="People must answer it", required=False)

    def choice_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["choices"].splitlines() if line.strip()]

    @staticmethod
    def initial_for(question: Question) -> dict[str, Any]:
        return {
            "kind": question.kind,
            "text": question.text,
            "easy_read_text": question.easy_read_text,
            "choices": "\n".join(question.choices) if question.kind != "scale" else "",
            "required": question.required,
        }


class ActionForm(forms.Form):
    """“You said, we did”: what the team heard and what they did about it."""

    heard = forms.CharField(
        label="What we heard (you said)",
        max_length=MAX_ACTION_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What people told you, in plain words. Don't include anyone's name, e.g. "
        "“The room was too noisy to hear each other”.",
        error_messages={"required": "Say what people told you."},
    )
    changed = forms.CharField(
        label="What we did",
        max_length=MAX_ACTION_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you changed because of it, e.g. “We now book a quiet room for every "
        "workshop”.",
        error_messages={"required": "Say what you did because of it."},
    )
    changed_on = forms.DateField(
        label="When we did it",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="The day you made the change, or will make it.",
        error_messages={
            "required": "Enter the date, like 14 March 2027.",
            "invalid": "Enter a real date, like 14 March 2027.",
        },
    )
    workshop = forms.ModelChoiceField(
        label="Workshop the feedback was about (optional)",
        queryset=Workshop.objects.none(),
        required=False,
        empty_label="Not about one workshop",
        error_messages={"invalid_choice": "Choose one of this programme's workshops."},
    )

    def __init__(self, *args: Any, programme: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["workshop"]
        field.queryset = Workshop.objects.filter(programme=programme).order_by("-starts_at", "pk")
        field.label_from_instance = lambda w: (
            f"{w.title} ({timezone.localtime(w.starts_at):%-d %b %Y})"
        )
        for name in ("heard", "changed"):
            self.fields[name].error_messages["max_length"] = (
                f"Please keep this to {MAX_ACTION_TEXT} characters or fewer."
            )

    @staticmethod
    def initial_for(action: Any) -> dict[str, Any]:
        return {
            "heard": action.heard,
            "changed": action.changed,
            "changed_on": action.changed_on,
            "workshop": action.workshop_id,
        }


class TrendForm(forms.Form):
    """Which standard question, and whose answers, the trend across workshops shows."""

    question = forms.ChoiceField(
        label="Question",
        choices=[(key, STANDARD_TEXT[key]) for key in SCALE_KEYS],
        required=False,
        error_messages={"invalid_choice": "Choose one of the questions in the list."},
    )
    who = forms.ChoiceField(
        label="Whose answers",
        required=False,
        error_messages={"invalid_choice": "Choose one of the groups in the list."},
    )

    def __init__(self, *args: Any, programme: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["who"].choices = who_choices(programme)

    def chosen(self) -> tuple[str, str]:
        """The question key and group to show: the first of each unless chosen well."""
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("question") or SCALE_KEYS[0], data.get("who") or "everyone"
