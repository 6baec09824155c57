"""The coded values of the 人口信息采集表, fixed lists the import template offers as dropdowns."""

from django.db import models
from django.utils.translation import gettext_lazy as _

ETHNICITIES = [
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
    "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
    "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族",
    "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族",
    "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族",
    "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
]  # fmt: skip
ETHNICITY_CHOICES = [(name, name) for name in ETHNICITIES]


class DocumentType(models.TextChoices):
    RESIDENT_ID = "id_card", _("居民身份证")
    PASSPORT = "passport", _("护照")
    HK_MACAO_PERMIT = "hk_macao_permit", _("港澳居民来往内地通行证")
    TAIWAN_PERMIT = "taiwan_permit", _("台湾居民来往大陆通行证")
    HMT_RESIDENCE = "hmt_residence", _("港澳台居民居住证")
    FOREIGN_PERMANENT = "foreign_permanent", _("外国人永久居留身份证")


class Sex(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class PoliticalStatus(models.TextChoices):
    PARTY_MEMBER = "party_member", _("中共党员")
    PROBATIONARY = "probationary", _("中共预备党员")
    LEAGUE_MEMBER = "league_member", _("共青团员")
    DEMOCRATIC_PARTY = "democratic_party", _("民主党派")
    MASSES = "masses", _("群众")


class Education(models.TextChoices):
    POSTGRADUATE = "postgraduate", _("研究生")
    BACHELOR = "bachelor", _("大学本科")
    JUNIOR_COLLEGE = "junior_college", _("大学专科")
    SECONDARY_VOCATIONAL = "secondary_vocational", _("中专/中技")
    HIGH_SCHOOL = "high_school", _("高中")
    JUNIOR_HIGH = "junior_high", _("初中")
    PRIMARY = "primary", _("小学")
    ILLITERATE = "illiterate", _("文盲或半文盲")
    PRESCHOOL = "preschool", _("学龄前")


class MaritalStatus(models.TextChoices):
    SINGLE = "single", _("未婚")
    MARRIED = "married", _("已婚")
    WIDOWED = "widowed", _("丧偶")
    DIVORCED = "divorced", _("离婚")


class Relation(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    SON = "son", _("子")
    DAUGHTER = "daughter", _("女")
    PARENT = "parent", _("父母")
    GRANDPARENT = "grandparent", _("祖父母")
    GRANDCHILD = "grandchild", _("孙子女")
    SIBLING = "sibling", _("兄弟姐妹")
    CHILD_IN_LAW = "child_in_law", _("儿媳/女婿")
    OTHER = "other", _("其他")


class ResidenceStatus(models.TextChoices):
    PRESENT = "present", _("人户同在")
    REGISTERED_ABSENT = "registered_absent", _("户在人不在")
    LIVING_UNREGISTERED = "living_unregistered", _("人在户不在")
    NOMINAL = "nominal", _("空挂户")


class ResidenceType(models.TextChoices):
    REGISTERED = "registered", _("户籍")
    FLOATING = "floating", _("流动")


class Status(models.TextChoices):
    LIVING = "living", _("在住")
    MOVED_OUT = "moved_out", _("已迁出")
    DECEASED = "deceased", _("已故")


class BuildingKind(models.TextChoices):
    BLOCK = "block", _("楼房")
    BUNGALOW = "bungalow", _("平房")


class HouseholdKind(models.TextChoices):
    FAMILY = "family", _("家庭户")
    COLLECTIVE = "collective", _("集体户")


class AgeGroup(models.TextChoices):
    """Computed from the birth date on the day of counting, never entered.

    The first five are a partition: every living resident is in exactly one of them, so they add
    up to the living count. 60+ is not a sixth group but the sum of the two oldest, offered as a
    filter and shown as a sum (AGE_SUMS)."""

    PRESCHOOL = "0-6", _("0–6 岁")
    SCHOOL = "7-17", _("7–17 岁")
    WORKING = "18-59", _("18–59 岁")
    OLDER = "60-79", _("60–79 岁")
    VERY_OLD = "80+", _("80 岁及以上")
    ELDERLY = "60+", _("60 岁及以上（合计）")


# Inclusive age bounds. The youngest group has no lower bound, so a birth date typed in the
# future still falls in exactly one group instead of in none.
AGE_BOUNDS: dict[str, tuple[int | None, int | None]] = {
    AgeGroup.PRESCHOOL: (None, 6),
    AgeGroup.SCHOOL: (7, 17),
    AgeGroup.WORKING: (18, 59),
    AgeGroup.OLDER: (60, 79),
    AgeGroup.VERY_OLD: (80, None),
    AgeGroup.ELDERLY: (60, None),
}
AGE_PARTITION = (
    AgeGroup.PRESCHOOL,
    AgeGroup.SCHOOL,
    AgeGroup.WORKING,
    AgeGroup.OLDER,
    AgeGroup.VERY_OLD,
)
# Groups shown as the sum of partition groups.
AGE_SUMS = {AgeGroup.ELDERLY: (AgeGroup.OLDER, AgeGroup.VERY_OLD)}
