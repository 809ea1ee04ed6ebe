"""The anonymous workforce survey: surveys, their questions, responses and what sits beside them.

Anonymity is designed into the tables (docs/surveys.md, "Anonymity"):

- a Response holds its survey, its answers and the date it was submitted: no time of day, no
  address, user agent, referrer, account, session key or invitation. Its key is a random UUID,
  so not even the order of submission can be read from it; answers have a composite key of
  (response, option), so no sequence number records their order either;
- Invitation codes are stored as keyed hashes, in a table with no link to any response;
- FollowUpVolunteer (staff who offer to talk further) has no link to any response;
- neither is written when it is sent: both wait, sealed, in HeldSubmission and are written by
  the task worker in shuffled batches of at least the survey's threshold, so neither the
  transaction ids Postgres keeps on every row (xmin) nor any key shows which response arrived
  when, or which response belongs to someone who offered to talk (docs/surveys.md).
"""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

# The anonymous survey's session table is defined beside its store, cookie and lifetime; it is
# imported here so that Django registers it with the app's other models.
from surveys.intake_session import IntakeSession  # noqa: F401

MINIMUM_THRESHOLD = 5
DEFAULT_THRESHOLD = 10
PREFER_NOT_TO_SAY = "prefer_not_to_say"
PREFER_NOT_TO_SAY_LABEL = "Prefer not to say"


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class SurveyAccess(models.TextChoices):
    OPEN_LINK = "open_link", "Anyone with the link"
    INVITATION = "invitation", "Invitation code needed"


class DisclosureMode(models.TextChoices):
    GROUPS = "groups", "By group: every answer of each group large enough to show"
    CELLS = "cells", "Strict, cell by cell: also hide answers given by few people"


class SurveyQuerySet(models.QuerySet):
    def with_response_counts(self) -> "SurveyQuerySet":
        return self.annotate(response_count=models.Count("responses"))


class Survey(models.Model):
    slug = models.SlugField(
        max_length=80,
        unique=True,
        help_text="The survey's web address: /surveys/<slug>/. Lower case letters, numbers and "
        "hyphens.",
    )
    title = models.CharField(max_length=200)
    introduction = models.TextField()
    privacy_text = models.TextField()
    opens_on = models.DateField()
    closes_on = models.DateField()
    status = models.CharField(max_length=10, choices=SurveyStatus.choices, default="draft")
    reporting_threshold = models.PositiveSmallIntegerField(
        default=DEFAULT_THRESHOLD, validators=[MinValueValidator(MINIMUM_THRESHOLD)]
    )
    # docs/adr/051-survey-group-threshold-disclosure.md: a group of at least the threshold is
    # shown whole, as survey tools do; strict mode also hides small answer counts inside it.
    disclosure_mode = models.CharField(
        max_length=6, choices=DisclosureMode.choices, default=DisclosureMode.GROUPS
    )
    # While open, results come from a release that moves only in steps of at least the
    # threshold in every group (docs/surveys.md, "Results while a survey is open"); or nothing
    # is shown until it closes.
    results_hidden_until_closed = models.BooleanField(default=False)
    access = models.CharField(
        max_length=12, choices=SurveyAccess.choices, default=SurveyAccess.OPEN_LINK
    )
    retain_responses_until = models.DateField(
        help_text="After this date a data manager may delete the individual responses, keeping "
        "the published (suppressed) results."
    )
    previous_wave = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="next_waves"
    )
    responses_deleted_on = models.DateField(null=True, blank=True, editable=False)
    # Bumped by every change to the questions, so the intake can keep them in memory.
    questions_version = models.PositiveIntegerField(default=0, editable=False)
    # Bumped by every write that changes what the results show (services.results_changed):
    # responses, moderation, settings, questions; ethnicity labels bump every survey's. The
    # results cache is keyed on it.
    results_version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = SurveyQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reporting_threshold__gte=MINIMUM_THRESHOLD),
                name="survey_threshold_at_least_5",
            ),
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")),
                name="survey_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("surveys:start", kwargs={"slug": self.slug})

    def accepts_responses_on(self, date) -> bool:
        return self.status == SurveyStatus.OPEN and self.opens_on <= date <= self.closes_on

    @property
    def accepting_responses(self) -> bool:
        return self.accepts_responses_on(timezone.localdate())

    @property
    def free_text_threshold(self) -> int:
        # Free text can identify by its wording, so it needs 10 or more in a group (docs/domain.md).
        return max(self.reporting_threshold, DEFAULT_THRESHOLD)


class QuestionKind(models.TextChoices):
    SINGLE = "single", "Single choice"
    MULTIPLE = "multiple", "Multiple choice"
    AGREEMENT = "agreement", "Agreement scale (5 points)"
    FREQUENCY = "frequency", "How often in the last 12 months"
    FREE_TEXT = "free_text", "Free text"
    ETHNICITY = "ethnicity", "About you: ethnic group"
    ROLE = "role", "About you: role"
    GRADE = "grade", "About you: grade band"
    LOCALITY = "locality", "About you: locality"


DEMOGRAPHIC_KINDS = {
    QuestionKind.ETHNICITY,
    QuestionKind.ROLE,
    QuestionKind.GRADE,
    QuestionKind.LOCALITY,
}
# Kinds whose options the data manager writes; the others have fixed scales or lists.
KINDS_WITH_OWN_OPTIONS = {QuestionKind.SINGLE, QuestionKind.MULTIPLE}

AGREEMENT_SCALE = [
    ("strongly_agree", "Strongly agree"),
    ("agree", "Agree"),
    ("neither", "Neither agree nor disagree"),
    ("disagree", "Disagree"),
    ("strongly_disagree", "Strongly disagree"),
]
FREQUENCY_SCALE = [
    ("never", "Never"),
    ("once", "Once"),
    ("2_4", "2 to 4 times"),
    ("5_plus", "5 or more times"),
]


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=12, choices=QuestionKind.choices)
    text = models.CharField(max_length=300)
    hint = models.CharField(max_length=300, blank=True)
    # Groups questions onto one intake page: consecutive questions with the same section share a
    # page (at most QUESTIONS_PER_PAGE), and the section is the page's heading.
    section = models.CharField(max_length=120, blank=True)
    # Stable across waves, so the same question can be compared year on year.
    code = models.SlugField(max_length=60)

    class Meta:
        ordering = ["survey", "position"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "position"], name="question_position_unique"),
            models.UniqueConstraint(fields=["survey", "code"], name="question_code_unique"),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_demographic(self) -> bool:
        return self.kind in DEMOGRAPHIC_KINDS

    @property
    def is_free_text(self) -> bool:
        return self.kind == QuestionKind.FREE_TEXT

    @property
    def is_multiple(self) -> bool:
        return self.kind == QuestionKind.MULTIPLE


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=60)
    label = models.CharField(max_length=200)

    class Meta:
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="option_code_unique")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_prefer_not_to_say(self) -> bool:
        return self.code == PREFER_NOT_TO_SAY


class Response(models.Model):
    """One completed questionnaire. Nothing here says who, from where, or at what time."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    # The date only (a DateField): a time of day could be matched against server logs.
    submitted_on = models.DateField()
    # The demographic answers, held on the response so results group without a join. Blank
    # means "prefer not to say" (or the survey did not ask).
    ethnicity = models.CharField(max_length=4, blank=True)
    role = models.CharField(max_length=60, blank=True)
    grade_band = models.CharField(max_length=60, blank=True)
    locality = models.CharField(max_length=60, blank=True)

    class Meta:
        indexes = [models.Index(fields=["survey", "ethnicity"])]

    def __str__(self) -> str:
        return f"Response to {self.survey_id} on {self.submitted_on}"


class Answer(models.Model):
    """One chosen option, with the respondent's demographics repeated so that answers can be
    counted by group without a join (docs/adr/010-survey-answers-table.md). Results read the
    running counts in AnswerTally instead (ADR 014)."""

    pk = models.CompositePrimaryKey("response", "option")
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    ethnicity = models.CharField(max_length=4, blank=True)
    role = models.CharField(max_length=60, blank=True)
    grade_band = models.CharField(max_length=60, blank=True)
    locality = models.CharField(max_length=60, blank=True)

    def __str__(self) -> str:
        return f"{self.response_id}: {self.option_id}"


class AnswerTally(models.Model):
    """How many respondents chose an option, for each combination of the demographics results
    are cut by: what the results page counts, kept up to date as each response is stored
    (services.response_submit) so that it need not count every answer (ADR 014).

    Counts only: nothing here refers to a response, and deleting a survey's responses deletes
    its tally too."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+", db_index=False)
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="+", db_index=False)
    ethnicity = models.CharField(max_length=4, blank=True)
    role = models.CharField(max_length=60, blank=True)
    grade_band = models.CharField(max_length=60, blank=True)
    locality = models.CharField(max_length=60, blank=True)
    respondents = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "survey",
                    "question",
                    "option",
                    "ethnicity",
                    "role",
                    "grade_band",
                    "locality",
                ],
                name="answer_tally_cell",
            )
        ]

    def __str__(self) -> str:
        return f"{self.option_id} {self.ethnicity or '-'}: {self.respondents}"


class ResultsRelease(models.Model):
    """The counts the results page shows: a snapshot of the tally that moves on only when every
    group's gain since each release a reader has seen is none or at least the threshold, so two
    downloads never single out a few new respondents (docs/surveys.md).

    Counts only, and a date: nothing refers to a response, and nothing records the order or time
    responses arrived within a release."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="releases")
    number = models.PositiveIntegerField()
    released_on = models.DateField()
    response_count = models.PositiveIntegerField()
    # Whether anyone has read results from this release. One nobody has seen can be replaced
    # by a newer snapshot at once: there is no earlier download to compare it with.
    seen = models.BooleanField(default=False)
    threshold = models.PositiveSmallIntegerField()
    # Respondents by [ethnicity, role, grade band, locality, n]; in each group of every view
    # ("view|group" -> n); and the groups hidden ("view|group").
    respondents = models.JSONField()
    group_sizes = models.JSONField()
    hidden_groups = models.JSONField()
    # The survey's results_version when the live counts were last compared with this release.
    checked_version = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="results_release_number")
        ]

    def __str__(self) -> str:
        return f"Release {self.number} of {self.survey_id} ({self.response_count} responses)"


class ReleasedTally(models.Model):
    """The current release's copy of the answer tally (AnswerTally), which results read."""

    release = models.ForeignKey(
        ResultsRelease, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="+", db_index=False)
    ethnicity = models.CharField(max_length=4, blank=True)
    role = models.CharField(max_length=60, blank=True)
    grade_band = models.CharField(max_length=60, blank=True)
    locality = models.CharField(max_length=60, blank=True)
    respondents = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["release"], name="released_tally_release")]

    def __str__(self) -> str:
        return f"{self.option_id} {self.ethnicity or '-'}: {self.respondents}"


class ModerationStatus(models.TextChoices):
    PENDING = "pending", "Waiting for moderation"
    APPROVED = "approved", "Approved for reading"
    WITHHELD = "withheld", "Withheld"


class FreeTextAnswer(models.Model):
    """What someone wrote. Read only after a data manager has moderated it (redacted names and
    identifying details), and only for groups at or above the survey's free-text threshold."""

    # A random key: a sequence would number the written answers in the order they arrived.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="free_text")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    text = models.TextField()
    moderated_text = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=ModerationStatus.choices, default=ModerationStatus.PENDING
    )

    class Meta:
        indexes = [models.Index(fields=["question", "status"])]

    def __str__(self) -> str:
        return f"Free text for question {self.question_id} ({self.status})"


class Invitation(models.Model):
    """A single-use invitation code, stored only as a keyed hash and never linked to a response.

    There is deliberately no date of use: a used date could be matched to a response's date.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    code_hash = models.CharField(max_length=64, unique=True)
    used = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"Invitation for {self.survey_id} ({'used' if self.used else 'unused'})"


class FollowUpVolunteer(models.Model):
    """Someone who offered to talk about their experience. No link to any response."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="volunteers")
    name = models.CharField(max_length=200)
    contact = models.CharField(max_length=254)
    preferred_contact = models.CharField(max_length=10)
    volunteered_on = models.DateField()

    class Meta:
        ordering = ["volunteered_on", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.survey_id})"


class HeldSubmission(models.Model):
    """A response or an offer to talk that has been sent and not yet written.

    The contents are sealed (encrypted with a key derived from the server's secret, which the
    database never holds, and padded to a fixed size: surveys.sealing), so a reader of the
    database can tell neither what a held row says nor whether it is a response or an offer to
    talk. The worker writes a survey's held rows in one transaction, shuffled, once at least
    the threshold of responses wait, and deletes them in the same transaction
    (services.held_submissions_write). Held rows live in the database, so stopping the worker
    loses nothing."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="held")
    sealed = models.BinaryField()

    def __str__(self) -> str:
        return f"Held submission for {self.survey_id}"


class PublishedResults(models.Model):
    """The suppressed aggregate tables, kept when a survey's individual responses are deleted."""

    survey = models.OneToOneField(Survey, on_delete=models.CASCADE, related_name="published")
    response_count = models.PositiveIntegerField()
    rows = models.JSONField()
    published_on = models.DateField()

    def __str__(self) -> str:
        return f"Published results of {self.survey_id}"
