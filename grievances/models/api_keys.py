"""Keys that let an Open311 client submit grievances on residents' behalf (the GeoReport v2
`api_key`). Only a hash is stored: a database dump or a curious administrator cannot replay a
key; the administrator sees the key once, when it is issued."""

from __future__ import annotations

import hashlib
import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A prefix that says what the string is, to anyone (or any secret scanner) who finds one.
KEY_PREFIX = "o311_"


def hash_key(key: str) -> str:
    """256 random bits need no slow hash: nobody can guess their way to a match."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiKeyQuerySet(models.QuerySet):
    def for_key(self, key: str) -> ApiKey | None:
        """The active key with this value, or None."""
        if not key.startswith(KEY_PREFIX) or len(key) > 100:
            return None
        return self.select_related("community").filter(hash=hash_key(key), active=True).first()


class ApiKey(models.Model):
    name = models.CharField(_("名称"), max_length=100, help_text=_("使用这个密钥的应用或单位。"))
    hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters, so a key found somewhere can be told apart without its hash.
    hint = models.CharField(_("密钥开头"), max_length=12, editable=False)
    community = models.ForeignKey(
        "shequ.Community", on_delete=models.PROTECT, related_name="+", verbose_name=_("提交到社区"),
        help_text=_("用这个密钥提交的诉求登记到这个社区。"),
    )  # fmt: skip
    active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("签发时间"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True, editable=False)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("Open311 接口密钥")
        verbose_name_plural = _("Open311 接口密钥")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name}（{self.hint}…）"

    def issue(self) -> str:
        """Give the row a new key and return it: the only time it exists in clear."""
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        self.hash = hash_key(key)
        self.hint = key[: len(KEY_PREFIX) + 4]
        return key
