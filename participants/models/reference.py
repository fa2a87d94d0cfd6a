"""Reference data shipped with the platform (participants/data/*.json, loaded by a data migration).

Industries follow the Japan Standard Industrial Classification (JSIC, 日本標準産業分類): major
divisions (大分類, A–T) and their middle groups (中分類, 01–99). Expertise areas are the same
taxonomy that companies' issues use, so matching can compare like with like.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class IndustryQuerySet(models.QuerySet["Industry"]):
    def majors(self) -> IndustryQuerySet:
        return self.filter(parent__isnull=True)

    def middles(self) -> IndustryQuerySet:
        return self.filter(parent__isnull=False)


class Industry(models.Model):
    code = models.CharField(_("コード"), max_length=4, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children", verbose_name=_("大分類")
    )

    objects = IndustryQuerySet.as_manager()

    class Meta:
        verbose_name = _("業種（日本標準産業分類）")
        verbose_name_plural = _("業種（日本標準産業分類）")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"

    @property
    def label(self) -> str:
        """The name in the active language (the rows hold Japanese; participants/reference_names.py)."""
        return gettext(self.name)

    @property
    def is_major(self) -> bool:
        return self.parent_id is None


class _Choice(models.Model):
    code = models.SlugField(_("コード"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    sort_order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        abstract = True
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the active language (the rows hold Japanese; participants/reference_names.py)."""
        return gettext(self.name)


class ExpertiseArea(_Choice):
    """販路開拓, 新商品開発, 人材育成, DX/IT, ...: what a company needs and what a senior offers."""

    class Meta(_Choice.Meta):
        verbose_name = _("専門分野")
        verbose_name_plural = _("専門分野")


class Qualification(_Choice):
    class Meta(_Choice.Meta):
        verbose_name = _("資格")
        verbose_name_plural = _("資格")


class Region(_Choice):
    """A region of Japan (地方) made of prefectures (JIS X 0401 codes)."""

    prefectures = models.JSONField(_("都道府県コード"), default=list)

    class Meta(_Choice.Meta):
        verbose_name = _("地方")
        verbose_name_plural = _("地方")
