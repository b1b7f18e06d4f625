from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from granska.choices import LEVEL_CHOICES
from granska.grading import AreaRule, CriterionRule, Level


class Confidence(models.TextChoices):
    HIGH = "high", _("high")
    MEDIUM = "medium", _("medium")
    LOW = "low", _("low")


class AreaGroup(models.TextChoices):
    STRUKTUR = "STRUKTUR", "STRUKTUR"
    PROCESS = "PROCESS", "PROCESS"


class ProtocolVersion(models.Model):
    """One version of the SPUR protocol: the areas and criteria a review is assessed against.

    Loaded from a catalog file; a review keeps the version it was made with forever, so a
    version in use is never changed: a revision is loaded as a new version with a code of its own.
    """

    code = models.SlugField(_("code"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    max_ki_exceptions = models.PositiveSmallIntegerField(
        _("quality indicators that may be unmet for grade A"), default=1
    )
    regulations = models.JSONField(_("regulations"), default=list)
    source_name = models.CharField(_("source file"), max_length=255)
    source_sha256 = models.CharField(_("SHA-256 of the source file"), max_length=64)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("protocol version")
        verbose_name_plural = _("protocol versions")
        ordering = ("-loaded_at", "code")

    def __str__(self) -> str:
        return self.title


class Area(models.Model):
    """One of the eight areas (A–H) of a protocol version, with its own grade scale."""

    protocol = models.ForeignKey(
        ProtocolVersion, on_delete=models.CASCADE, related_name="areas", verbose_name=_("protocol")
    )
    code = models.CharField(_("code"), max_length=4)
    position = models.PositiveSmallIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=200)
    group = models.CharField(_("group"), max_length=10, choices=AreaGroup.choices)
    preamble = models.JSONField(_("preamble"), default=list, blank=True)
    # [{"grade": "A", "wording": "..."}, ...] best grade first.
    scale = models.JSONField(_("grade scale"))

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ("protocol", "position")
        constraints = [
            models.UniqueConstraint(
                fields=("protocol", "code"), name="area_code_unique_in_protocol"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"

    @property
    def grades(self) -> list[str]:
        return [step["grade"] for step in self.scale]

    def wording(self, grade: str) -> str:
        return next((s["wording"] for s in self.scale if s["grade"] == grade), "")

    def as_rule(self, criteria: "list[Criterion] | None" = None) -> AreaRule:
        """This area in the grading rules' own terms (criteria may be passed when prefetched)."""
        items = criteria if criteria is not None else list(self.criteria.all())
        return AreaRule(
            code=self.code,
            scale=tuple(self.grades),
            criteria=tuple(c.as_rule() for c in items),
        )


class Criterion(models.Model):
    """A requirement an area is assessed against, at one level, for one or both regulations."""

    protocol = models.ForeignKey(
        ProtocolVersion,
        on_delete=models.CASCADE,
        related_name="criteria",
        verbose_name=_("protocol"),
    )
    area = models.ForeignKey(
        Area, on_delete=models.CASCADE, related_name="criteria", verbose_name=_("area")
    )
    code = models.CharField(_("code"), max_length=8)
    position = models.PositiveSmallIntegerField(_("position"))
    level = models.CharField(_("level"), max_length=20, choices=LEVEL_CHOICES)
    regulations = models.JSONField(_("regulations"))
    text = models.TextField(_("text"))
    reading_source = models.TextField(_("source of the level reading"), blank=True)
    reading_confidence = models.CharField(
        _("confidence of the level reading"), max_length=10, choices=Confidence.choices
    )

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ("protocol", "area__position", "position")
        constraints = [
            models.UniqueConstraint(
                fields=("protocol", "code"), name="criterion_code_unique_in_protocol"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}"

    def applies_to(self, regulation: str) -> bool:
        return regulation in self.regulations

    def only_for(self, in_scope: "list[str] | tuple[str, ...]") -> str | None:
        """The regulation this criterion is limited to, when the protocol has others.

        Reports label such criteria "endast 2015" or "endast 2021".
        """
        if len(self.regulations) == 1 and len(in_scope) != 1:
            return str(self.regulations[0])
        return None

    def as_rule(self) -> CriterionRule:
        return CriterionRule(
            code=self.code,
            level=Level(self.level),
            regulations=frozenset(self.regulations),
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "level": self.level,
            "text": self.text,
            "regulations": list(self.regulations),
        }
