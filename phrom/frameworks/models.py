"""Frameworks stored as their YAML text, and the assessment cycles that use them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from scoring.model import Framework as FrameworkSpec


class Framework(models.Model):
    code = models.CharField(_("code"), max_length=64, unique=True)
    name_th = models.CharField(_("name (Thai)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)
    year_be = models.PositiveIntegerField(_("year (B.E.)"))
    previous_code = models.CharField(_("previous framework"), max_length=64, blank=True)
    source = models.TextField(_("YAML source"))
    source_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)

    class Meta:
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def spec(self) -> FrameworkSpec:
        """The validated, immutable framework (parsed once per process and source).

        When the instance was read without its source (``defer("source")``, as the gates
        do), the spec comes from the per-process cache keyed by (pk, sha256), and the
        source is read only on a miss (see ``spec_for``).
        """
        if "source" in self.get_deferred_fields():
            return spec_for(self.pk, self.sha256)
        return _parse_cached(self.source, self.source_name)

    @classmethod
    def spec_for(cls, framework_id: int, sha256: str) -> FrameworkSpec:
        return spec_for(framework_id, sha256)


_CACHE: dict[tuple[str, str], FrameworkSpec] = {}
# By (framework pk, sha256 of its source): the source (84K characters for th-2564) need not
# be read from the database to find the parsed framework. The sha256 changes with the text.
_BY_ID: dict[tuple[int, str], FrameworkSpec] = {}


def spec_for(framework_id: int, sha256: str) -> FrameworkSpec:
    """The parsed framework FRAMEWORK_ID whose source has SHA256, reading the source (one
    query) only when this process has not parsed it yet."""
    key = (framework_id, sha256)
    spec = _BY_ID.get(key)
    if spec is None:
        source, name, stored_sha = Framework.objects.values_list(
            "source", "source_name", "sha256"
        ).get(pk=framework_id)
        spec = _parse_cached(source, name)
        if stored_sha == sha256:  # a reload in between: do not file the new text under the old key
            _BY_ID[key] = spec
    return spec


def remember_spec(source: str, name: str, spec: FrameworkSpec) -> None:
    """Keep a framework just validated, so that ``spec()`` need not parse it again."""
    _CACHE[(name, source)] = spec


def _parse_cached(source: str, name: str) -> FrameworkSpec:
    key = (name, source)
    spec = _CACHE.get(key)
    if spec is None:
        from scoring.loader import load_framework_text

        spec = load_framework_text(source, name)
        _CACHE[key] = spec
    return spec


class CycleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")


class Cycle(models.Model):
    code = models.CharField(_("code"), max_length=64, unique=True)
    year_be = models.PositiveIntegerField(_("year (B.E.)"))
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="cycles")
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="next_cycles"
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
