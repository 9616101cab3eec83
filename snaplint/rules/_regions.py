"""Storage vendors and the geographic area of their region codes (not a rule).

The acquire ``region`` keeps the service inside one area — ``CN`` (mainland China), ``AP`` (Asia
excluding mainland China), ``EU``, ``NA`` — and the storage region should be in the same area.
Region names are those of the vendor → region table (REG, 2026-06-17); a code whose area is
outside the four (South America, Africa, the Middle East) or not given by the table (Azure, Google,
S3-compatible) maps to None and is never compared.
"""

from __future__ import annotations

VENDORS = {
    1: "Amazon S3",
    2: "Alibaba Cloud",
    3: "Tencent Cloud",
    5: "Microsoft Azure",
    6: "Google Cloud",
    7: "Huawei Cloud",
    8: "Baidu AI Cloud",
    11: "S3-compatible storage",
}

_AMAZON = {
    0: ("US_EAST_1", "NA"),
    1: ("US_EAST_2", "NA"),
    2: ("US_WEST_1", "NA"),
    3: ("US_WEST_2", "NA"),
    4: ("EU_WEST_1", "EU"),
    5: ("EU_WEST_2", "EU"),
    6: ("EU_WEST_3", "EU"),
    7: ("EU_CENTRAL_1", "EU"),
    8: ("AP_SOUTHEAST_1", "AP"),
    9: ("AP_SOUTHEAST_2", "AP"),
    10: ("AP_NORTHEAST_1", "AP"),
    11: ("AP_NORTHEAST_2", "AP"),
    12: ("SA_EAST_1", None),
    13: ("CA_CENTRAL_1", "NA"),
    14: ("AP_SOUTH_1", "AP"),
    15: ("CN_NORTH_1", "CN"),
    16: ("CN_NORTHWEST_1", "CN"),
    18: ("AF_SOUTH_1", None),
    19: ("AP_EAST_1", "AP"),
    20: ("AP_NORTHEAST_3", "AP"),
    21: ("EU_NORTH_1", "EU"),
    22: ("ME_SOUTH_1", None),
    24: ("AP_SOUTHEAST_3", "AP"),
    25: ("EU_SOUTH_1", "EU"),
}
_ALIBABA = {
    0: ("CN_Hangzhou", "CN"),
    1: ("CN_Shanghai", "CN"),
    2: ("CN_Qingdao", "CN"),
    3: ("CN_Beijing", "CN"),
    4: ("CN_Zhangjiakou", "CN"),
    5: ("CN_Huhehaote", "CN"),
    6: ("CN_Shenzhen", "CN"),
    7: ("CN_Hongkong", "AP"),
    8: ("US_West_1", "NA"),
    9: ("US_East_1", "NA"),
    10: ("AP_Southeast_1", "AP"),
    11: ("AP_Southeast_2", "AP"),
    12: ("AP_Southeast_3", "AP"),
    13: ("AP_Southeast_5", "AP"),
    14: ("AP_Northeast_1", "AP"),
    15: ("AP_South_1", "AP"),
    16: ("EU_Central_1", "EU"),
    17: ("EU_West_1", "EU"),
    18: ("EU_East_1", None),  # the table's name does not say where it is
    19: ("AP_Southeast_6", "AP"),
    20: ("CN_Heyuan", "CN"),
    21: ("CN_Guangzhou", "CN"),
    22: ("CN_Chengdu", "CN"),
    23: ("CN_Nanjing", "CN"),
    24: ("CN_Fuzhou", "CN"),
    25: ("CN_Wulanchabu", "CN"),
    26: ("CN_Northeast_2", "CN"),
    27: ("CN_Southeast_7", "CN"),
}
_TENCENT = {
    0: ("AP_Beijing_1", "CN"),
    1: ("AP_Beijing", "CN"),
    2: ("AP_Shanghai", "CN"),
    3: ("AP_Guangzhou", "CN"),
    4: ("AP_Chengdu", "CN"),
    5: ("AP_Chongqing", "CN"),
    6: ("AP_Shenzhen_FSI", "CN"),
    7: ("AP_Shanghai_FSI", "CN"),
    8: ("AP_Beijing_FSI", "CN"),
    9: ("AP_Hongkong", "AP"),
    10: ("AP_Singapore", "AP"),
    11: ("AP_Mumbai", "AP"),
    12: ("AP_Seoul", "AP"),
    13: ("AP_Bangkok", "AP"),
    14: ("AP_Tokyo", "AP"),
    15: ("NA_Siliconvalley", "NA"),
    16: ("NA_Ashburn", "NA"),
    17: ("NA_Toronto", "NA"),
    18: ("EU_Frankfurt", "EU"),
    19: ("EU_Moscow", "EU"),
}
_HUAWEI = {
    0: ("CN_North_1", "CN"),
    1: ("CN_North_4", "CN"),
    2: ("CN_East_2", "CN"),
    3: ("CN_East_3", "CN"),
    4: ("CN_South_1", "CN"),
    5: ("CN_Southwest_2", "CN"),
    6: ("AP_Southeast_1", "AP"),
    7: ("AP_Southeast_2", "AP"),
    8: ("AP_Southeast_3", "AP"),
    9: ("AF_South_1", None),
    10: ("SA_Argentina_1", None),
    11: ("SA_Peru_1", None),
    12: ("NA_Mexico_1", "NA"),
    13: ("SA_Brazil_1", None),
    14: ("LA_South_2", None),
    15: ("SA_Chile_1", None),
}
_BAIDU = {
    0: ("Beijing", "CN"),  # REF-22 only; see storage-region-undocumented
    1: ("Baoding", "CN"),
    2: ("Suzhou", "CN"),
    3: ("Guangzhou", "CN"),
    4: ("Hongkong", "AP"),
    5: ("Singapore", "AP"),
    6: ("Wuhan", "CN"),
    7: ("Shanghai", "CN"),
}

REGIONS: dict[int, dict[int, tuple[str, str | None]]] = {
    1: _AMAZON,
    2: _ALIBABA,
    3: _TENCENT,
    7: _HUAWEI,
    8: _BAIDU,
}

AREAS = {
    "CN": "mainland China",
    "AP": "Asia outside mainland China",
    "EU": "Europe",
    "NA": "North America",
}


def region_info(vendor: int, region: int) -> tuple[str, str | None] | None:
    """(region name, area) of a vendor's region code, or None when the table has no such code."""
    return REGIONS.get(vendor, {}).get(region)
