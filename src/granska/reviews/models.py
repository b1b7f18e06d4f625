import secrets
from collections.abc import Collection
from typing import Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from granska.catalog.models import Area, Criterion, ProtocolVersion
from granska.choices import (
    GRADE_CHOICES,
    OUTCOME_CHOICES,
    REGULATION_CHOICES,
    REGULATION_FIELDS,
    STATUS_CHOICES,
)
from granska.grading.vocabulary import GRADE_ORDER, REGULATIONS
from granska.lifecycle import Status
from granska.refusals import too_long
from granska.reviews.limits import (
    CARE_PROVIDER_NAME_MAX_CHARS,
    REGION_NAME_MAX_CHARS,
    SPECIALTY_NAME_MAX_CHARS,
    UNIT_NAME_MAX_CHARS,
)
from granska.text import clean_line


def name_key(name: str) -> str:
    """How two names in a register compare: as one clean line (white space collapsed, invisible
    characters gone) and whatever the case, so that "region  österå" is "Region Österå"."""
    return clean_line(name).casefold()


class Register(models.Model):
    """A name in one of the kansli's registers (regions, care providers, specialties), kept as one
    clean line and unique whatever its case and spacing: a name typed differently finds the one
    registered, instead of making a second whose ties (an inspector's employer) nobody sees.

    The database holds it with a unique constraint on the lower-cased name (PostgreSQL folds
    every letter; SQLite only A to Z), and `clean` and `named` compare in Python, every letter."""

    # Each register sizes its own column (reviews.limits).
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        # The name is checked by `clean`, as the one clean line it is stored as.
        self.name = clean_line(self.name)
        super().clean_fields(exclude={*(exclude or ()), "name"})

    def clean(self) -> None:
        self.name = clean_line(self.name)
        field = self._meta.get_field("name")
        limit = field.max_length if isinstance(field, models.CharField) else None
        message = gettext("The name may be at most %(limit)s characters; it is %(length)s.")
        problem = too_long(self.name, limit or 0, message)
        if not self.name:
            problem = gettext("Give the name.")
        if problem:
            raise ValidationError({"name": problem})
        other = type(self).named(self.name)
        if other is not None and other.pk != self.pk:
            raise ValidationError(
                {
                    "name": gettext("There is already a %(register)s named “%(name)s”.")
                    % {"register": self._meta.verbose_name, "name": other.name}
                }
            )

    @classmethod
    def named(cls, name: str) -> Self | None:
        """The one registered under `name`, compared as `name_key` does; None if there is none.
        Registers hold some hundred names: they are compared here, every letter folded."""
        key = name_key(name)
        return next((row for row in cls._default_manager.all() if name_key(row.name) == key), None)


class Region(Register):
    """A Swedish region (the regional health authority the unit belongs to)."""

    name = models.CharField(_("name"), max_length=REGION_NAME_MAX_CHARS)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="region_name_unique_any_case",
                violation_error_message=_("There is already a region of that name."),
            ),
        ]


class CareProvider(Register):
    """A vårdgivare: the employer responsible for the unit's ST (a region or a private company)."""

    name = models.CharField(_("name"), max_length=CARE_PROVIDER_NAME_MAX_CHARS)

    class Meta:
        verbose_name = _("care provider")
        verbose_name_plural = _("care providers")
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="care_provider_name_unique_any_case",
                violation_error_message=_("There is already a care provider of that name."),
            ),
        ]


class Specialty(Register):
    """A medical specialty, such as allmänmedicin, whose ST a review looks at."""

    name = models.CharField(_("name"), max_length=SPECIALTY_NAME_MAX_CHARS)

    class Meta:
        verbose_name = _("specialty")
        verbose_name_plural = _("specialties")
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="specialty_name_unique_any_case",
                violation_error_message=_("There is already a specialty of that name."),
            ),
        ]


class UnitKind(models.TextChoices):
    KLINIK = "klinik", _("clinic")
    VARDCENTRAL = "vardcentral", _("health centre (vårdcentral)")
    ANNAN = "annan", _("other unit")


def calendar_token_new() -> str:
    """An unguessable token for a calendar feed URL."""
    return secrets.token_urlsafe(32)


class Unit(models.Model):
    """A clinic or vårdcentral that trains ST-läkare and is reviewed about every five years."""

    name = models.CharField(_("name"), max_length=UNIT_NAME_MAX_CHARS)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    care_provider = models.ForeignKey(
        CareProvider,
        on_delete=models.PROTECT,
        related_name="units",
        verbose_name=_("care provider"),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="units", verbose_name=_("region")
    )
    specialty = models.ForeignKey(
        Specialty, on_delete=models.PROTECT, related_name="units", verbose_name=_("specialty")
    )
    # The unit's own people (verksamhetschef, studierektor) who log in to see its reviews.
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="units", blank=True, verbose_name=_("contacts")
    )
    # The secret part of the unit's calendar feed URL; the unit renews it to cut off old links.
    calendar_token = models.CharField(
        _("calendar token"), max_length=64, unique=True, default=calendar_token_new
    )
    # Raised by every change through `registers.unit_change`, so that a change based on an
    # older version is caught instead of silently overwriting another kansli's.
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ("name",)
        constraints = [
            models.UniqueConstraint(
                fields=("name", "care_provider"), name="unit_name_unique_per_care_provider"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # The name as one clean line, as `unit_register` stores it, when the admin changes it.
        self.name = clean_line(self.name)


class Review(models.Model):
    """One SPUR review of one unit: booked, prepared, visited, written, reported, followed up.

    A review is assessed against one or both regulations and keeps the protocol version it was
    booked with for good.
    """

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("unit")
    )
    specialty = models.ForeignKey(
        Specialty, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("specialty")
    )
    protocol = models.ForeignKey(
        ProtocolVersion,
        on_delete=models.PROTECT,
        related_name="reviews",
        verbose_name=_("protocol version"),
    )
    under_2015 = models.BooleanField(_("SOSFS 2015:8 in scope"), default=False)
    under_2021 = models.BooleanField(_("HSLF-FS 2021:8 in scope"), default=True)
    visit_date = models.DateField(_("visit date"), null=True, blank=True)
    # SPUR publishes final reports by default; the kansli may withhold one from the public list.
    publish_report = models.BooleanField(_("publish the final report"), default=True)
    # The day the first version of the final report was issued (Swedish time): the plan is due
    # three months later, the next review five years later. Set when the report is issued.
    final_report_date = models.DateField(
        _("final report issued"), null=True, blank=True, editable=False
    )
    status = models.CharField(
        _("status"), max_length=20, choices=STATUS_CHOICES, default=Status.BOKAD
    )
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Assignment",
        related_name="assigned_reviews",
        verbose_name=_("inspectors"),
    )
    # The report's summary: one point a line in each list.
    strengths = models.TextField(_("strengths"), blank=True)
    weaknesses = models.TextField(_("weaknesses"), blank=True)
    improvements = models.TextField(_("improvement potential"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(
        verbose_name=_("earlier version of a review"),
        verbose_name_plural=_("earlier versions of reviews"),
    )

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ("-visit_date", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(under_2015=True) | Q(under_2021=True),
                name="review_has_a_regulation_in_scope",
            ),
        ]

    def __str__(self) -> str:
        date = self.visit_date.isoformat() if self.visit_date else _("no date")
        return f"{self.unit} ({date})"

    @property
    def regulations(self) -> tuple[str, ...]:
        """The regulations in scope, in the order the report's grade columns use."""
        return tuple(r.value for r in REGULATIONS if getattr(self, REGULATION_FIELDS[r]))

    @property
    def is_imported(self) -> bool:
        """Whether the review was made from an earlier report (`granska.imports`, the layer
        above, links its ImportedReview as `imported`): read-only history, which no booking
        change, assessment, move or corrected final report touches."""
        return hasattr(self, "imported")


class Assignment(models.Model):
    """An inspector assigned to a review (two per review)."""

    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("review")
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("inspector"),
    )
    created_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    history = HistoricalRecords(
        verbose_name=_("earlier version of an assignment"),
        verbose_name_plural=_("earlier versions of assignments"),
    )

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ("created_at", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("review", "inspector"), name="assignment_inspector_once_per_review"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inspector} → {self.review}"


class Source(models.TextChoices):
    """Where the evidence for a finding comes from."""

    INTERVJU = "intervju", _("interview")
    ENKAT = "enkat", _("survey")
    DOKUMENT = "dokument", _("document")
    PLATSBESOK = "platsbesok", _("site visit")


class Finding(models.Model):
    """The inspectors' finding for one criterion of one review, with a note and its source."""

    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="findings", verbose_name=_("review")
    )
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, related_name="findings", verbose_name=_("criterion")
    )
    outcome = models.CharField(_("finding"), max_length=20, choices=OUTCOME_CHOICES, blank=True)
    note = models.TextField(_("note"), blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(
        verbose_name=_("earlier version of a finding"),
        verbose_name_plural=_("earlier versions of findings"),
    )

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ("review", "criterion__area__position", "criterion__position")
        constraints = [
            models.UniqueConstraint(
                fields=("review", "criterion"), name="finding_once_per_criterion"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code}: {self.get_outcome_display() or '-'}"


class AreaAssessment(models.Model):
    """The inspectors' text for one area of one review; the grades hang from it."""

    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("review")
    )
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("area")
    )
    narrative = models.TextField(_("narrative"), blank=True)
    # Raised by every save of the area's findings, grades or narrative, so that a save based on
    # an older version is caught instead of silently overwriting someone else's.
    version = models.PositiveIntegerField(_("version"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(
        verbose_name=_("earlier version of an area assessment"),
        verbose_name_plural=_("earlier versions of area assessments"),
    )

    class Meta:
        verbose_name = _("area assessment")
        verbose_name_plural = _("area assessments")
        ordering = ("review", "area__position")
        constraints = [
            models.UniqueConstraint(fields=("review", "area"), name="assessment_once_per_area"),
        ]

    def __str__(self) -> str:
        return f"{self.review} – {self.area.code}"


class AreaGrade(models.Model):
    """The grade the inspectors set for one area under one regulation in scope.

    Where it differs from Granska's suggestion the inspectors give their reason.
    """

    assessment = models.ForeignKey(
        AreaAssessment, on_delete=models.CASCADE, related_name="grades", verbose_name=_("area")
    )
    regulation = models.CharField(_("regulation"), max_length=20, choices=REGULATION_CHOICES)
    grade = models.CharField(_("grade"), max_length=1, choices=GRADE_CHOICES)
    deviation_reason = models.TextField(_("reason for departing from the suggestion"), blank=True)
    # Set when the unit's action plan is accepted: a D becomes the next grade up on the area's
    # scale ("Handlingsplan mottagen. Gradering justerad till C."). `grade` keeps the D.
    adjusted_grade = models.CharField(
        _("grade after the action plan"), max_length=1, choices=GRADE_CHOICES, blank=True
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(
        verbose_name=_("earlier version of an area grade"),
        verbose_name_plural=_("earlier versions of area grades"),
    )

    class Meta:
        verbose_name = _("area grade")
        verbose_name_plural = _("area grades")
        ordering = ("assessment", "regulation")
        constraints = [
            models.UniqueConstraint(
                fields=("assessment", "regulation"), name="grade_once_per_regulation"
            ),
            models.CheckConstraint(
                condition=Q(grade__in=[g.value for g in GRADE_ORDER]), name="grade_is_a_to_d"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.regulation}: {self.grade}"


class StatusChange(models.Model):
    """One move of a review through its lifecycle: from what, to what, by whom, when."""

    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("review")
    )
    from_status = models.CharField(_("from"), max_length=20, choices=STATUS_CHOICES)
    to_status = models.CharField(_("to"), max_length=20, choices=STATUS_CHOICES)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="status_changes",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ("at", "pk")

    def __str__(self) -> str:
        return f"{self.review}: {self.from_status} → {self.to_status}"


class Affiliation(models.Model):
    """A recorded tie of an inspector: an employer (care provider) or a workplace (unit).

    The regulations require an external reviewer: an inspector is never assigned to a review of
    a unit they have such a tie to.
    """

    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="affiliations",
        verbose_name=_("inspector"),
    )
    care_provider = models.ForeignKey(
        CareProvider,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="affiliations",
        verbose_name=_("care provider"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="affiliations",
        verbose_name=_("workplace"),
    )

    class Meta:
        verbose_name = _("affiliation")
        verbose_name_plural = _("affiliations")
        constraints = [
            models.CheckConstraint(
                condition=Q(care_provider__isnull=False) | Q(unit__isnull=False),
                name="affiliation_names_a_care_provider_or_unit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.inspector}: {self.care_provider or self.unit}"


class ObserverScope(models.Model):
    """What an observer may read: the reviews of a specialty, of a region, or of a specialty in
    a region (a specialty society's SPUR coordinator, a region's ST office)."""

    observer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="observer_scopes",
        verbose_name=_("observer"),
    )
    specialty = models.ForeignKey(
        Specialty,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="observer_scopes",
        verbose_name=_("specialty"),
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="observer_scopes",
        verbose_name=_("region"),
    )

    class Meta:
        verbose_name = _("observer scope")
        verbose_name_plural = _("observer scopes")
        constraints = [
            models.CheckConstraint(
                condition=Q(specialty__isnull=False) | Q(region__isnull=False),
                name="observer_scope_names_a_specialty_or_region",
            ),
        ]

    def __str__(self) -> str:
        return " / ".join(str(part) for part in (self.specialty, self.region) if part)
