"""StreamField blocks for lessons: quizzes graded on the server, and the H5P activity from the h5p app."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from wagtail import blocks

from cms.blocks import BaseStreamBlock
from courses import quizzes
from h5p.blocks import H5PActivityBlock

# A quiz's heading until the editor writes one; left as it is, it is shown in the reader's language.
QUIZ_DEFAULT_TITLE = gettext_noop("Check your understanding")


class OptionBlock(blocks.StructBlock):
    # Not required here: a true-or-false question ignores its options, so QuestionBlock.clean checks them.
    text = blocks.CharBlock(label=_("Answer option"), max_length=300, required=False)
    correct = blocks.BooleanBlock(label=_("Correct"), required=False)

    class Meta:
        icon = "radio-full"
        label = _("Option")


class QuestionBlock(blocks.StructBlock):
    """One question: single choice, multiple choice, or true or false (two fixed options, not typed)."""

    SINGLE = quizzes.SINGLE
    MULTIPLE = quizzes.MULTIPLE
    TRUE_FALSE = quizzes.TRUE_FALSE

    kind = blocks.ChoiceBlock(choices=quizzes.KIND_CHOICES, default=SINGLE, label=_("Kind"))
    text = blocks.CharBlock(label=_("Question"), max_length=500)
    answer = blocks.ChoiceBlock(
        choices=[(quizzes.TRUE, _("True")), (quizzes.FALSE, _("False"))],
        required=False,
        label=_("The statement is"),
        help_text=_("For a true-or-false question only: learners choose between “True” and “False”."),
    )
    options = blocks.ListBlock(
        OptionBlock(),
        label=_("Options"),
        # A new question starts with the two options a choice question needs at least.
        default=[{"text": "", "correct": False}, {"text": "", "correct": False}],
        help_text=_("At least two options; mark the correct ones. Not used by a true-or-false question."),
    )
    feedback = blocks.TextBlock(
        label=_("Feedback"),
        required=False,
        max_length=1000,
        help_text=_("Shown to a learner who answered this question wrongly, and in the review once passed."),
    )

    class Meta:
        icon = "help"
        label = _("Question")
        form_classname = "quiz-question-block"

    def clean(self, value):
        value = super().clean(value)
        if value["kind"] == self.TRUE_FALSE:
            if value.get("answer") not in (quizzes.TRUE, quizzes.FALSE):
                raise blocks.StructBlockValidationError(
                    block_errors={"answer": ValidationError(_("Choose whether the statement is true or false."))}
                )
            return value
        error = self._options_error(value)
        if error:
            raise blocks.StructBlockValidationError(block_errors={"options": ValidationError(error)})
        return value

    def _options_error(self, value):
        options = value["options"]
        if any(not (option["text"] or "").strip() for option in options):
            return _("Every option needs a text: write one or remove the empty option.")
        if len(options) < 2:
            return _("A choice question needs at least two options.")
        correct = sum(1 for option in options if option["correct"])
        if value["kind"] == self.SINGLE and correct != 1:
            return _("Mark exactly one option as correct.")
        if value["kind"] == self.MULTIPLE and correct < 1:
            return _("Mark at least one option as correct.")
        return None


class QuizBlock(blocks.StructBlock):
    """A graded quiz. The template renders questions and options only, never the answer key."""

    # Blank by default: the heading is then "Check your understanding" in the lesson's language, not in the
    # language the editor's admin happened to use when the block was added.
    title = blocks.CharBlock(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty for “Check your understanding” in the lesson's language."),
    )
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
                    "answer": "false",
                    "options": [],
                    "feedback": "Popularity says nothing about accuracy.",
                }
            ],
            "pass_mark": 70,
            "attempt_limit": 3,
        }

    def get_context(self, value, parent_context=None):
        """The questions to render: the learner's sheet from the lesson view, else (previews) the bare questions."""
        context = super().get_context(value, parent_context=parent_context)
        state = context.get("quiz") or {}
        context["questions"] = state.get("questions") or quizzes.quiz_sheet(quiz=value)
        return context


class LessonBodyBlock(BaseStreamBlock):
    """The shared page blocks plus the two graded activities of a lesson."""

    quiz = QuizBlock()
    h5p = H5PActivityBlock()
