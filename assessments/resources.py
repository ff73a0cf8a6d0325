"""Questions of one quiz as a spreadsheet (django-import-export), one row per question.

Columns: ``position``, ``kind`` (single / multiple / true_false, or the Thai names),
``text``, ``choice_1`` … ``choice_6``, ``correct`` (the numbers of the correct choices,
e.g. ``2`` or ``1,3``), ``points``, ``explanation``. A row whose position already exists in
the quiz replaces that question and its choices. Every row is checked with a Thai message;
``core.imports`` runs the preview and the all-or-nothing import.
"""

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, widgets

from core.resources import ThaiCheckedResource
from core.thai import whole_number_or_none

from .models import Choice, Question, QuestionKind

MAX_CHOICES = 6
CHOICE_COLUMNS = [f"choice_{n}" for n in range(1, MAX_CHOICES + 1)]

KIND_ALIASES = {
    QuestionKind.SINGLE: ["single", "เลือกตอบข้อเดียว", "ปรนัย", "ตัวเลือกเดียว"],
    QuestionKind.MULTIPLE: ["multiple", "เลือกได้หลายข้อ", "หลายคำตอบ"],
    QuestionKind.TRUE_FALSE: ["true_false", "ถูกหรือผิด", "ถูก/ผิด", "ถูกผิด", "true/false"],
}
THAI_TRUE_FALSE = ["ถูก", "ผิด"]


def _kind_lookup() -> dict[str, str]:
    lookup = {}
    for kind, aliases in KIND_ALIASES.items():
        lookup[kind.value] = kind.value
        lookup[str(kind.label).lower()] = kind.value
        for alias in aliases:
            lookup[alias.lower()] = kind.value
    return lookup


class KindWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        text = " ".join(str(value or "").split())
        if not text:
            return QuestionKind.SINGLE.value
        return _kind_lookup().get(text.lower(), text)


# Positions and points beyond this are typing mistakes (and stay within the column's range).
MAX_POSITION = 32767


def _cell_text(value) -> str:
    """A cell as text; Excel gives whole numbers back as floats (2.0)."""
    if isinstance(value, float) and value.is_integer() and abs(value) <= MAX_POSITION:
        return str(int(value))
    return str("" if value is None else value).strip()


class PositionWidget(widgets.IntegerWidget):
    """A whole number from 0 to 32767, read with the strict parser (no exponent, no "²")."""

    def clean(self, value, row=None, **kwargs):
        text = _cell_text(value)
        if not text:
            return None
        number = whole_number_or_none(text, maximum=MAX_POSITION)
        if number is None:
            raise ValueError(
                _("“%(value)s” is not a whole number from 0 to %(max)s.")
                % {"value": text[:20], "max": MAX_POSITION}
            )
        return number


def parse_correct(value) -> list[int] | None:
    """ "1,3" / "1 3" / "1;3" → [1, 3]; None if not numbers."""
    parts = [part for part in re.split(r"[\s,;/]+", _cell_text(value)) if part]
    numbers = [whole_number_or_none(part, maximum=MAX_POSITION) for part in parts]
    if not numbers or None in numbers:
        return None
    return sorted(set(numbers))


class QuestionResource(ThaiCheckedResource):
    position = fields.Field(attribute="position", column_name="position", widget=PositionWidget())
    kind = fields.Field(attribute="kind", column_name="kind", widget=KindWidget())
    text = fields.Field(attribute="text", column_name="text")
    points = fields.Field(attribute="points", column_name="points", widget=PositionWidget())
    explanation = fields.Field(attribute="explanation", column_name="explanation")
    correct = fields.Field(column_name="correct", readonly=True)

    REQUIRED_COLUMNS = ["text", "choice_1", "correct"]
    HEADER_ALIASES = {
        "ลำดับ": "position",
        "ข้อ": "position",
        "ประเภท": "kind",
        "คำถาม": "text",
        "คะแนน": "points",
        "คำอธิบาย": "explanation",
        "เฉลย": "correct",
        "คำตอบที่ถูก": "correct",
        **{f"ตัวเลือก {n}": f"choice_{n}" for n in range(1, MAX_CHOICES + 1)},
        **{f"ตัวเลือก{n}": f"choice_{n}" for n in range(1, MAX_CHOICES + 1)},
    }
    column_labels = {
        "position": gettext_lazy("position"),
        "kind": gettext_lazy("kind"),
        "text": gettext_lazy("question (Thai)"),
        "points": gettext_lazy("points"),
        "explanation": gettext_lazy("explanation"),
        "correct": gettext_lazy("correct answers"),
        "choices": gettext_lazy("choices"),
    }

    class Meta:
        model = Question
        import_id_fields = ["position"]
        fields = ["position", "kind", "text", "points", "explanation", "correct"]
        skip_html_diff = True
        use_bulk = False

    def __init__(self, *, quiz, **kwargs):
        super().__init__(**kwargs)
        self.quiz = quiz
        self.seen_positions: dict[int, int] = {}
        self.next_position = (
            max(quiz.questions.values_list("position", flat=True), default=0) if quiz.pk else 0
        )
        for n, column in enumerate(CHOICE_COLUMNS, start=1):
            field = fields.Field(column_name=column, readonly=True)
            field.choice_number = n
            self.fields[column] = field

    def get_export_order(self):
        return ("position", "kind", "text", *CHOICE_COLUMNS, "correct", "points", "explanation")

    def get_queryset(self):
        return Question.objects.filter(quiz=self.quiz).prefetch_related("choices")

    def before_import(self, dataset, **kwargs):
        # Rows without a position go after the highest position of the quiz and the file.
        for value in dataset["position"] if "position" in (dataset.headers or []) else []:
            position = whole_number_or_none(_cell_text(value), maximum=MAX_POSITION)
            if position is not None:
                self.next_position = max(self.next_position, position)

    def before_import_row(self, row, **kwargs):
        # A row without a position goes after the quiz's last question.
        if not str(row.get("position") or "").strip():
            self.next_position += 1
            row["position"] = self.next_position
        if not str(row.get("points") or "").strip():
            row["points"] = 1

    def import_instance(self, instance, row, **kwargs):
        instance.quiz = self.quiz
        super().import_instance(instance, row, **kwargs)

    def choices_of(self, row) -> list[str]:
        texts = [str(row.get(column) or "").strip() for column in CHOICE_COLUMNS]
        while texts and not texts[-1]:
            texts.pop()
        return texts

    def check_row(self, instance, row, row_number) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        kind = instance.kind
        if kind not in QuestionKind.values:
            errors["kind"] = [
                _("Unknown kind “%(value)s”: use single, multiple or true_false.") % {"value": kind}
            ]
        if not str(instance.text or "").strip():
            errors["text"] = [_("The question has no text.")]
        choices = self.choices_of(row)
        if kind == QuestionKind.TRUE_FALSE and not choices:
            choices = list(THAI_TRUE_FALSE)
        if any(not text for text in choices):
            errors["choices"] = [_("A choice is empty between two others.")]
        elif len(choices) < 2:
            errors["choices"] = [_("A question needs at least two choices.")]
        correct = parse_correct(row.get("correct"))
        if correct is None:
            errors["correct"] = [
                _("Write the number of the correct choice, e.g. 2, or 1,3 for several.")
            ]
        elif any(number < 1 or number > len(choices) for number in correct):
            errors["correct"] = [
                _("There is no choice %(numbers)s in this row.")
                % {"numbers": ", ".join(str(n) for n in correct if n < 1 or n > len(choices))}
            ]
        elif kind != QuestionKind.MULTIPLE and len(correct) != 1:
            errors["correct"] = [_("This kind of question has exactly one correct choice.")]
        position = instance.position
        if position is not None:
            if position in self.seen_positions:
                errors["position"] = [
                    _("Position %(position)s is also on line %(line)s.")
                    % {"position": position, "line": self.seen_positions[position] + 1}
                ]
            else:
                self.seen_positions[position] = row_number
        return errors

    def after_save_instance(self, instance, row, **kwargs):
        choices = self.choices_of(row)
        if instance.kind == QuestionKind.TRUE_FALSE and not choices:
            choices = list(THAI_TRUE_FALSE)
        correct = set(parse_correct(row.get("correct")) or [])
        instance.choices.all().delete()
        Choice.objects.bulk_create(
            Choice(question=instance, text=text, is_correct=n in correct, sort_order=n - 1)
            for n, text in enumerate(choices, start=1)
        )

    # --- Export ------------------------------------------------------------------------

    def export_field(self, field, instance, **kwargs):
        number = getattr(field, "choice_number", None)
        if number is not None:
            choices = list(instance.choices.all())
            return choices[number - 1].text if number <= len(choices) else ""
        if field.column_name == "correct":
            return ",".join(
                str(n)
                for n, choice in enumerate(instance.choices.all(), start=1)
                if choice.is_correct
            )
        return super().export_field(field, instance, **kwargs)
