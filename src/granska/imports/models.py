"""The import's rows: each file kept once (by its SHA-256), a batch of files read in the
background and confirmed by the kansli, and the review each imported file became."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from granska.reviews.models import Review


class SourceFile(models.Model):
    """An earlier report as uploaded or named on the command line, stored once: the same bytes
    again are the same file (a duplicate), whatever its name."""

    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    content = models.FileField(_("file"), upload_to="imports/%Y/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("imported file")
        verbose_name_plural = _("imported files")
        ordering = ("-uploaded_at", "-pk")

    def __str__(self) -> str:
        return self.name


class ImportedReview(models.Model):
    """A review made from an earlier report: the file it came from and what was read from it
    (the parsed report's JSON, `granska.imports.parsed.report_json`)."""

    review = models.OneToOneField(
        Review, on_delete=models.CASCADE, related_name="imported", verbose_name=_("review")
    )
    source = models.OneToOneField(
        SourceFile, on_delete=models.PROTECT, related_name="imported", verbose_name=_("file")
    )
    reading = models.JSONField(_("what was read"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("imported review")
        verbose_name_plural = _("imported reviews")

    def __str__(self) -> str:
        return str(self.review)


class BatchItemState(models.TextChoices):
    QUEUED = "queued", _("waiting to be read")
    READ = "read", _("read")
    REFUSED = "refused", _("refused")
    DUPLICATE = "duplicate", _("imported before")
    IMPORTED = "imported", _("imported")
    SKIPPED = "skipped", _("left out")


class ImportBatch(models.Model):
    """Files the kansli uploaded together on the import page: read in the background, then
    confirmed (all or some)."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return str(self.pk)


class BatchItem(models.Model):
    """One file of a batch: its state, what was read (the parsed report's JSON) or why it was
    refused, and the review it became."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="items")
    source = models.ForeignKey(
        SourceFile, on_delete=models.PROTECT, related_name="batch_items", verbose_name=_("file")
    )
    # The name as uploaded (a file inside a zip: its path there).
    name = models.CharField(_("file name"), max_length=255)
    position = models.PositiveIntegerField(_("position"))
    state = models.CharField(
        _("state"), max_length=12, choices=BatchItemState.choices, default=BatchItemState.QUEUED
    )
    reading = models.JSONField(_("what was read"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)
    review = models.ForeignKey(
        Review, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("file of an import batch")
        verbose_name_plural = _("files of an import batch")
        ordering = ("batch", "position")

    def __str__(self) -> str:
        return self.name
