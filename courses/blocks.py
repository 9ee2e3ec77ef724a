"""StreamField blocks for lessons: quizzes graded on the server, and the H5P activity from the h5p app."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from wagtail import blocks

from cms.blocks import BaseStreamBlock
from h5p.blocks import H5PActivityBlock

# A quiz's heading until the editor writes one; left as it is, it is shown in the reader's language.
QUIZ_DEFAULT_TITLE = gettext_noop("Check your understanding")


class OptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Answer option"), max_length=300)
    correct = blocks.BooleanBlock(label=_("Correct"), required=False)

    class Meta:
        icon = "radio-full"
        label = _("Option")


class QuestionBlock(blocks.StructBlock):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"

    kind = blocks.ChoiceBlock(
        choices=[
            (SINGLE, _("Single choice")),
            (MULTIPLE, _("Multiple choice")),
            (TRUE_FALSE, _("True or false")),
        ],
        default=SINGLE,
        label=_("Kind"),
    )
    text = blocks.CharBlock(label=_("Question"), max_length=500)
    options = blocks.ListBlock(
        OptionBlock(),
        label=_("Options"),
        min_num=2,
        help_text=_("For a true-or-false question add exactly two options, “True” and “False”."),
    )
    feedback = blocks.TextBlock(
        label=_("Feedback"),
        required=False,
        max_length=1000,
        help_text=_("Shown after the learner submits: explain the answer."),
    )

    class Meta:
        icon = "help"
        label = _("Question")

    def clean(self, value):
        value = super().clean(value)
        correct = sum(1 for option in value["options"] if option["correct"])
        kind = value["kind"]
        error = None
        if kind == self.TRUE_FALSE and len(value["options"]) != 2:
            error = _("A true-or-false question has exactly two options.")
        elif kind in (self.SINGLE, self.TRUE_FALSE) and correct != 1:
            error = _("Mark exactly one option as correct.")
        elif kind == self.MULTIPLE and correct < 1:
            error = _("Mark at least one option as correct.")
        if error:
            raise blocks.StructBlockValidationError(block_errors={"options": ValidationError(error)})
        return value


class QuizBlock(blocks.StructBlock):
    """A graded quiz. The template renders questions and options only, never the answer key."""

    title = blocks.CharBlock(label=_("Title"), max_length=200, default=_(QUIZ_DEFAULT_TITLE))
    introduction = blocks.TextBlock(label=_("Introduction"), required=False, max_length=1000)
    questions = blocks.ListBlock(QuestionBlock(), label=_("Questions"), min_num=1)
    pass_mark = blocks.IntegerBlock(
        label=_("Pass mark (%)"), min_value=0, max_value=100, default=70, help_text=_("Score needed to pass.")
    )
    attempt_limit = blocks.IntegerBlock(
        label=_("Attempt limit"), min_value=0, max_value=100, default=3, help_text=_("0 allows unlimited attempts.")
    )

    class Meta:
        icon = "tasks"
        template = "courses/blocks/quiz.html"
        label = _("Quiz")
        preview_value = {
            "title": "Check your understanding",
            "questions": [
                {
                    "kind": "true_false",
                    "text": "A viral post with many shares is more likely to be accurate.",
                    "options": [{"text": "True", "correct": False}, {"text": "False", "correct": True}],
                    "feedback": "Popularity says nothing about accuracy.",
                }
            ],
            "pass_mark": 70,
            "attempt_limit": 3,
        }


class LessonBodyBlock(BaseStreamBlock):
    """The shared page blocks plus the two graded activities of a lesson."""

    quiz = QuizBlock()
    h5p = H5PActivityBlock()
