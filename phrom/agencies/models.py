"""The agency registry: ministries, departments, provinces and local governments."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from phrom.agencies.codes import CODE_HELP, validate_code


class AgencyKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministry")
    DEPARTMENT = "department", _("Department or equivalent")
    PROVINCE = "province", _("Province")
    PAO = "pao", _("Provincial administrative organisation")
    CITY_MUNICIPALITY = "city_municipality", _("City municipality")
    TOWN_MUNICIPALITY = "town_municipality", _("Town municipality")
    SUBDISTRICT_MUNICIPALITY = "subdistrict_municipality", _("Subdistrict municipality")
    SAO = "sao", _("Subdistrict administrative organisation")
    BANGKOK = "bangkok", _("Bangkok Metropolitan Administration")
    PATTAYA = "pattaya", _("Pattaya City")


class Agency(models.Model):
    code = models.CharField(
        _("code"), max_length=64, unique=True, validators=[validate_code], help_text=CODE_HELP
    )
    name_th = models.CharField(_("name (Thai)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    kind = models.CharField(_("kind"), max_length=32, choices=AgencyKind.choices)
    ministry = models.ForeignKey(
        "self",
        verbose_name=_("ministry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        limit_choices_to={"kind": AgencyKind.MINISTRY},
    )
    group = models.CharField(_("peer group"), max_length=64, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["code"]
        indexes = [models.Index(fields=["kind", "group"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name_th}"

    def name(self, language: str) -> str:
        if language.startswith("en") and self.name_en:
            return self.name_en
        return self.name_th
