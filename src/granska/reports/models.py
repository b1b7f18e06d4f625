"""Issued final reports: each version's PDF stored once, with its SHA-256, and never changed."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from granska.reviews.models import Review


def final_report_path(instance: "FinalReport", filename: str) -> str:
    """Where a version's PDF is stored under MEDIA_ROOT: reports/<review>/v<version>.pdf."""
    return f"reports/{instance.review_id}/v{instance.version}.pdf"


def final_report_replaced_path(instance: "FinalReport", filename: str) -> str:
    """Where the copy of a replaced version marked replaced is stored:
    reports/<review>/v<version>-ersatt.pdf."""
    return f"reports/{instance.review_id}/v{instance.version}-ersatt.pdf"


def final_report_public_path(instance: "FinalReport", filename: str) -> str:
    """Where a version's public copy is stored: reports/<review>/v<version>-publik.pdf."""
    return f"reports/{instance.review_id}/v{instance.version}-publik.pdf"


class FinalReport(models.Model):
    """One issued version of a review's final report. A correction issues the next version and
    marks this one replaced; the file stays, downloadable, and is never rewritten.

    Each version has two PDFs, made together: the document of record (`pdf`), read inside
    Granska by those who read the review, and the public copy (`public_pdf`) served on the list
    of published reports, in which the people responsible in the handlingsplan are not named.
    When a version is replaced, a third is typeset from the data it was issued with
    (`data`): the same report, marked replaced on every page (`replaced_pdf`), which is what its
    download serves from then on; the PDF as issued stays, with its SHA-256."""

    review = models.ForeignKey(
        Review, on_delete=models.PROTECT, related_name="final_reports", verbose_name=_("review")
    )
    version = models.PositiveIntegerField(_("version"))
    pdf = models.FileField(_("PDF"), upload_to=final_report_path, max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    public_pdf = models.FileField(
        _("public PDF"), upload_to=final_report_public_path, max_length=200, blank=True
    )
    public_sha256 = models.CharField(_("SHA-256 of the public PDF"), max_length=64, blank=True)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issued by"),
    )
    replaced_by = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("replaced by"),
    )
    replaced_at = models.DateTimeField(_("replaced at"), null=True, blank=True)
    # Why this version was issued again: required of a correction, "" for the first version.
    reason = models.TextField(_("reason"), blank=True)
    # The report's data as issued (reports.selectors.ReportData), to mark it replaced later.
    data = models.JSONField(_("data as issued"), null=True, blank=True)
    replaced_pdf = models.FileField(
        _("PDF marked replaced"), upload_to=final_report_replaced_path, max_length=200, blank=True
    )
    replaced_sha256 = models.CharField(
        _("SHA-256 of the PDF marked replaced"), max_length=64, blank=True
    )

    class Meta:
        verbose_name = _("final report")
        verbose_name_plural = _("final reports")
        ordering = ["review", "version"]
        constraints = [
            models.UniqueConstraint(fields=["review", "version"], name="final_report_version"),
        ]

    def __str__(self) -> str:
        return f"{self.review_id} v{self.version}"

    @property
    def replaced(self) -> bool:
        return self.replaced_at is not None


class CommentDecision(models.TextChoices):
    CHANGED = "changed", _("Changed in the report")
    UNCHANGED = "unchanged", _("Left as it is")


class DraftComment(models.Model):
    """A unit's remark on one section of the draft during faktagranskning (a factual error, as
    they see it), with the inspectors' answer and decision. It stays with the review."""

    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="draft_comments", verbose_name=_("review")
    )
    # "summary", or an area's code.
    section = models.CharField(_("section"), max_length=20)
    text = models.TextField(_("comment"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    decision = models.CharField(
        _("decision"), max_length=20, choices=CommentDecision.choices, blank=True
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("comment on the draft")
        verbose_name_plural = _("comments on the draft")
        ordering = ("review", "at", "pk")

    def __str__(self) -> str:
        return f"{self.review_id} {self.section}"
