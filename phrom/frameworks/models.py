"""Frameworks stored as their YAML text, and the assessment cycles that use them."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from phrom.agencies.codes import validate_cycle_code
from scoring.model import Framework as FrameworkSpec


class Framework(models.Model):
    code = models.CharField(_("code"), max_length=64, unique=True)
    name_th = models.CharField(_("name (Thai)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)
    year_be = models.PositiveIntegerField(_("year (B.E.)"))
    previous_code = models.CharField(_("previous framework"), max_length=64, blank=True)
    source = models.TextField(_("YAML source"))
    source_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256 of the source"), max_length=64)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)

    class Meta:
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def spec(self) -> FrameworkSpec:
        """The validated, immutable framework, parsed once per process and text.

        Found by the SHA-256 of the text, so an instance read without its source
        (``defer("source")``, as the gates do) does not need it unless this process has not
        parsed that text yet.
        """
        spec = _SPECS.get(self.sha256)
        if spec is not None:
            return spec
        if "source" in self.get_deferred_fields():
            return spec_for(self.pk, self.sha256)
        return spec_of_text(self.source, self.source_name)


# Parsed frameworks by the SHA-256 of their text: the hash changes whenever the text does.
_SPECS: dict[str, FrameworkSpec] = {}


def spec_for(framework_id: int, sha256: str) -> FrameworkSpec:
    """The parsed framework FRAMEWORK_ID whose text has SHA256; the text is read from the
    database (one query) only when this process has not parsed it yet."""
    spec = _SPECS.get(sha256)
    if spec is None:
        source, name = Framework.objects.values_list("source", "source_name").get(
            pk=framework_id
        )
        spec = spec_of_text(source, name)
    return spec


def spec_of_text(source: str, name: str) -> FrameworkSpec:
    """The validated framework of the YAML SOURCE, parsed once per process and text.

    Raises ``FrameworkError`` listing every problem (NAME names the file) when the text is
    not a valid framework; nothing is kept then.
    """
    sha256 = hashlib.sha256(source.encode()).hexdigest()
    spec = _SPECS.get(sha256)
    if spec is None:
        from scoring.loader import load_framework_text

        spec = load_framework_text(source, name)
        _SPECS[sha256] = spec
    return spec


class CycleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")


class Cycle(models.Model):
    code = models.CharField(
        _("code"), max_length=64, unique=True, validators=[validate_cycle_code]
    )
    year_be = models.PositiveIntegerField(_("year (B.E.)"))
    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="cycles", verbose_name=_("framework")
    )
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="next_cycles",
        verbose_name=_("previous cycle"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=CycleStatus.choices, default=CycleStatus.DRAFT
    )
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)

    class Meta:
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")
        ordering = ["-year_be", "code"]

    def __str__(self) -> str:
        return self.code


class DeadlineChange(models.Model):
    """Append-only record of deadlines: a cycle's deadline set or moved (``agency`` empty),
    or one agency given until ``new_deadline`` (an extension, with its reason).

    An agency's deadline is the later of its cycle's and its latest extension's; rows are
    only ever inserted, so the record says who moved which deadline, when and why.
    """

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="deadline_changes")
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    old_deadline = models.DateTimeField(_("previous deadline"), null=True, blank=True)
    new_deadline = models.DateTimeField(_("new deadline"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("deadline change")
        verbose_name_plural = _("deadline changes")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["cycle", "agency", "at"])]

    def __str__(self) -> str:
        return f"{self.cycle_id} {self.agency_id or '*'} {self.new_deadline}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise ValueError("deadline changes are append-only; add a new one instead")
        super().save(*args, **kwargs)  # type: ignore[arg-type]
