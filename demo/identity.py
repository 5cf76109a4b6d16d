"""Identities of demo units: GB 32100-2015 credit codes, Chinese names and phone numbers."""
from __future__ import annotations

import numpy as np

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
REGION_PREFIX = "91330784"  # enterprise legal person (9, 1) registered in Yongkang (330784)

_SURNAMES = "陈胡应吕李王徐朱程楼周施金章俞杨黄吴林张郑卢潘何叶"
_GIVEN = "建国伟明军华丽芳永强晓燕海鹏杰敏静勇新春志平红英康宇雪飞林峰慧琴斌洁磊霞涛婷"
_BRAND = "飞锋立顺虎千喜金华宏盛达通嘉恒瑞泰鑫隆源德丰星正振兴龙凯博宇川创美信安利荣富万成威诚豪邦耀航天健佳力"
_PLACES = ("永康市", "永康市", "永康市", "浙江", "浙江", "金华市")
INDUSTRY_WORDS = {
    "门业": ("门业", "智能门业", "工贸", "实业", "安防科技"),
    "杯壶": ("杯业", "日用品", "工贸", "不锈钢制品", "保温容器"),
    "电动工具": ("电动工具", "电器", "机电", "工贸", "动力科技"),
    "车业": ("车业", "电动车", "车辆", "机车", "休闲车"),
    "休闲运动器具": ("休闲用品", "运动器材", "健身器材", "工贸", "滑板车"),
    "厨具": ("厨具", "炊具", "电器", "工贸", "厨房用品"),
    "金属材料": ("金属材料", "铝业", "铜业", "金属制品", "新材料"),
    "五金工具": ("工具", "五金工具", "工贸", "五金制品", "园林工具"),
    "储能": ("新能源科技", "储能科技", "电源科技", "能源科技"),
    "其他": ("科技", "包装", "机械", "塑业", "实业", "模具"),
}
TRADE_WORDS = {
    "5174": ("五金贸易", "商贸", "进出口"), "5123": ("农产品", "果蔬批发"),
    "5175": ("电器贸易", "机电设备"), "5137": ("家电批发", "商贸"),
    "5162": ("石化贸易", "能源贸易"), "5261": ("汽车销售服务", "汽车贸易"),
    "5292": ("电子商务", "网络科技"), "5211": ("百货", "商厦"), "5212": ("超市", "购物中心"),
    "5265": ("石油销售", "加油站"), "5271": ("家电", "电器商场"),
}


def credit_code_check_char(first17: str) -> str:
    """Check character of an 18-character unified social credit code (GB 32100-2015)."""
    if len(first17) != 17 or any(ch not in CHARSET for ch in first17):
        raise ValueError(f"not 17 credit-code characters: {first17!r}")
    total = sum(CHARSET.index(ch) * w for ch, w in zip(first17, WEIGHTS))
    return CHARSET[(31 - total % 31) % 31]


def is_valid_credit_code(code: str) -> bool:
    """True when the code has 18 valid characters and a matching check character."""
    code = str(code)
    if len(code) != 18 or any(ch not in CHARSET for ch in code):
        return False
    return credit_code_check_char(code[:17]) == code[17]


def spoil_check_char(code: str) -> str:
    """The same code with a wrong check character."""
    good = CHARSET.index(code[17])
    return code[:17] + CHARSET[(good + 7) % 31]


class Registry:
    """Hands out unique credit codes and names from one random generator."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.codes: set[str] = set()
        self.names: set[str] = set()

    def credit_code(self) -> str:
        """A fresh valid code, e.g. 91330784MA2D3XXXX plus check character."""
        while True:
            if self.rng.random() < 0.55:
                body = "MA2" + "".join(self.rng.choice(list(CHARSET), 6))
            else:
                body = "".join(self.rng.choice(list("0123456789"), 8)) + self.rng.choice(list(CHARSET))
            first17 = REGION_PREFIX + body
            code = first17 + credit_code_check_char(first17)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def company_name(self, words: tuple[str, ...]) -> str:
        """A unique plausible company name built from a brand and a line of business."""
        while True:
            brand = "".join(self.rng.choice(list(_BRAND), 2))
            place = str(self.rng.choice(_PLACES))
            word = str(self.rng.choice(words))
            form = "股份有限公司" if self.rng.random() < 0.06 else "有限公司"
            name = f"{place}{brand}{word}{form}"
            if name not in self.names:
                self.names.add(name)
                return name

    def person(self) -> str:
        """A Chinese personal name of two or three characters."""
        given = "".join(self.rng.choice(list(_GIVEN), int(self.rng.integers(1, 3))))
        return str(self.rng.choice(list(_SURNAMES))) + given

    def phone(self) -> str:
        """A Yongkang landline or a mobile number."""
        if self.rng.random() < 0.45:
            return "0579-8" + "".join(self.rng.choice(list("0123456789"), 7))
        head = str(self.rng.choice(["13", "15", "18", "17", "19"]))
        return head + "".join(self.rng.choice(list("0123456789"), 9))
