"""Generate a realistic (fake) organisation file: HQ → ~20 分行 → 支行, and their staff.

    manage.py org_generate --branches 2000 --staff 18000 --out org.xlsx [--seed 1]
    manage.py org_generate --out org.csv      # writes org-branches.csv and org-staff.csv

The rows use the Chinese headers of the blank template (org/services/org_template.py), so the file is
what a head office would upload. Branch codes follow the model's example ("/HQ/0101/0101001/"); the
head office itself (code HQ, created with every bank) is not in the file unless --include-hq. The
same --seed gives the same file. Used by `bench_provision` for the large-import benchmark.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from org.services.org_template import BRANCH_HEADERS, STAFF_HEADERS

HQ_CODE = "HQ"
HQ_ADMINS = 5


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范"
    "金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫")
GIVEN_CHARS = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英文华建国红玉梅鹏飞宇浩然子轩梓涵欣怡思远"
    "晨曦嘉怡俊杰雨萱志强海燕丹丹晓东春梅振华立新宏伟家豪佳琪婷婷慧敏雪梅冬梅晓丽云峰志刚永红"
)
# (province, cities, rough centre latitude, longitude, area code)
REGIONS = (
    ("江西省", ("南昌市", "九江市", "赣州市", "上饶市", "宜春市", "吉安市", "抚州市"), 27.6, 115.7, "0791"),
    ("湖南省", ("长沙市", "株洲市", "湘潭市", "衡阳市", "岳阳市", "常德市"), 27.6, 112.0, "0731"),
    ("浙江省", ("杭州市", "宁波市", "温州市", "嘉兴市", "湖州市", "绍兴市", "金华市"), 29.2, 120.2, "0571"),
    ("安徽省", ("合肥市", "芜湖市", "蚌埠市", "安庆市", "阜阳市"), 31.8, 117.2, "0551"),
)
DISTRICT_SUFFIX = ("区", "区", "县")
ROAD_WORDS = ("人民", "解放", "中山", "建设", "胜利", "新华", "和平", "文化", "友谊", "朝阳", "滨江", "青山", "迎宾")
ROAD_TYPES = ("路", "大道", "街")
PLACE_WORDS = _words(
    "城东 城西 城南 城北 开发 高新 新城 老街 滨湖 青云 金湖 龙泉 桃花 石桥 长岭 "
    "白沙 红星 东湖 西湖 北湖 南湖 五里 十里 双塘 黄泥 三江 枫林 杏花 洪都 八一"
)
HOURS = (
    "周一至周五 9:00-17:00",
    "周一至周日 9:00-17:00",
    "周一至周六 8:30-17:30",
    "周一至周五 8:30-17:00；周六 9:00-12:00",
)
MOBILE_PREFIXES = _words(
    "130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158 159 166 170 173 175 176 177 178 "
    "180 181 182 183 184 185 186 187 188 189 191 193 195 198 199"
)
MANAGER_TITLES = _words("客户经理 客户经理 客户经理 理财经理 对公客户经理 个人客户经理 信贷客户经理 大堂经理")
HQ_MANAGER_TITLES = ("零售业务部经理", "公司业务部经理", "普惠金融部经理", "网络金融部专员")


@dataclass
class OrgRows:
    branches: list[list]
    staff: list[list]


def _name(rng: random.Random) -> str:
    surname = rng.choice(COMPOUND_SURNAMES) if rng.random() < 0.01 else rng.choice(SURNAMES)
    given = "".join(rng.choice(GIVEN_CHARS) for _ in range(1 if rng.random() < 0.3 else 2))
    return surname + given


def _mobiles(rng: random.Random) -> Iterator[str]:
    seen: set[str] = set()
    while True:
        number = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        if number not in seen:
            seen.add(number)
            yield number


def org_rows(*, branches: int = 2000, staff: int = 18000, seed: int = 1, include_hq: bool = False) -> OrgRows:
    """The rows (without headers) of a generated organisation, in BRANCH_HEADERS / STAFF_HEADERS order."""
    if branches < 1:
        raise ValueError("at least one branch")
    rng = random.Random(seed)
    regional = max(1, min(99, round(branches / 100)))  # ~20 分行 for 2,000 branches
    sub = branches - regional
    # Spread the 支行 unevenly over the 分行 (weights 0.5–1.5), at most 999 each.
    weights = [rng.uniform(0.5, 1.5) for _ in range(regional)]
    counts = [int(sub * w / sum(weights)) for w in weights]
    for i in range(sub - sum(counts)):
        counts[i % regional] += 1
    if max(counts, default=0) > 999:
        raise ValueError("too many branches for 3-digit 支行 codes")

    branch_rows: list[list] = []
    if include_hq:
        branch_rows.append([HQ_CODE, "总行", "", "江西省南昌市红谷滩区会展路1000号", "28.683000", "115.857900", "", ""])
    branch_codes: list[str] = []
    heads: dict[str, str] = {}  # branch code -> title of its head
    for r in range(regional):
        province, cities, lat0, lng0, area = REGIONS[r % len(REGIONS)]
        city = cities[r % len(cities)]
        code = f"01{r + 1:02d}"
        city_short = city.removesuffix("市")
        lat, lng = lat0 + rng.uniform(-1.2, 1.2), lng0 + rng.uniform(-1.2, 1.2)
        branch_rows.append(
            [
                code,
                f"{city_short}分行",
                HQ_CODE,
                f"{province}{city}{rng.choice(ROAD_WORDS)}{rng.choice(ROAD_TYPES)}{rng.randint(1, 999)}号",
                f"{lat:.6f}",
                f"{lng:.6f}",
                f"{area}-{rng.randint(80000000, 89999999)}",
                HOURS[0],
            ]
        )
        branch_codes.append(code)
        heads[code] = "分行行长"
        used_names: set[str] = set()
        for j in range(counts[r]):
            place = rng.choice(PLACE_WORDS)
            name = f"{city_short}{place}支行"
            if name in used_names:
                name = f"{city_short}{place}第{j + 1}支行"
            used_names.add(name)
            sub_code = f"{code}{j + 1:03d}"
            district = place + rng.choice(DISTRICT_SUFFIX)
            road = f"{rng.choice(ROAD_WORDS)}{rng.choice(ROAD_TYPES)}{rng.randint(1, 999)}号"
            blat, blng = lat + rng.uniform(-0.4, 0.4), lng + rng.uniform(-0.4, 0.4)
            has_geo = rng.random() < 0.9
            branch_rows.append(
                [
                    sub_code,
                    name,
                    code,
                    f"{province}{city}{district}{road}",
                    f"{blat:.6f}" if has_geo else "",
                    f"{blng:.6f}" if has_geo else "",
                    f"{area}-{rng.randint(80000000, 89999999)}",
                    rng.choice(HOURS),
                ]
            )
            branch_codes.append(sub_code)
            heads[sub_code] = "支行行长"

    staff_rows: list[list] = []
    mobiles = _mobiles(rng)
    number = 100000

    def add(role: str, branch_code: str, title: str) -> None:
        nonlocal number
        number += rng.randint(1, 3)  # gaps, as after years of hiring and leaving
        wechat = f"wx_{rng.randrange(16**8):08x}" if rng.random() < 0.6 else ""
        licence = f"{rng.choice(('AFP', 'CFP', 'YHCY'))}{rng.randrange(10**8):08d}" if rng.random() < 0.4 else ""
        staff_rows.append([f"{number:07d}", _name(rng), role, branch_code, title, next(mobiles), wechat, licence])

    for _ in range(min(HQ_ADMINS, staff)):
        add("总行管理员", HQ_CODE, "总行管理员")
    for code in branch_codes[: max(0, staff - len(staff_rows))]:
        add("网点负责人", code, heads[code])
    # The rest are account managers: 分行 business departments and HQ get more than a 支行.
    rest = staff - len(staff_rows)
    places = [HQ_CODE, *branch_codes]
    place_weights = [20.0] + [6.0 if heads[c] == "分行行长" else 1.0 for c in branch_codes]
    for code in rng.choices(places, weights=place_weights, k=rest):
        add("客户经理", code, rng.choice(HQ_MANAGER_TITLES if code == HQ_CODE else MANAGER_TITLES))
    return OrgRows(branches=branch_rows, staff=staff_rows)


def org_xlsx_write(rows: OrgRows, path: Path) -> None:
    """Write sheets 机构 and 员工 (every cell as text, so codes keep their leading zeros).

    openpyxl's normal mode, not write_only: like Excel and WPS it then writes a shared-string table
    and each sheet's <dimension>. A write_only file has neither, and reading it back in read_only
    mode (as the import does) costs an extra pass over every sheet to find its size."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, headers, data in (("机构", BRANCH_HEADERS, rows.branches), ("员工", STAFF_HEADERS, rows.staff)):
        sheet = workbook.create_sheet(title)
        sheet.append(headers)
        for row in data:
            sheet.append(row)
    workbook.save(path)


def org_csv_write(rows: OrgRows, path: Path) -> tuple[Path, Path]:
    """Write <stem>-branches.csv and <stem>-staff.csv (UTF-8 with BOM, which Excel opens correctly)."""
    out = []
    for suffix, headers, data in (("branches", BRANCH_HEADERS, rows.branches), ("staff", STAFF_HEADERS, rows.staff)):
        target = path.with_name(f"{path.stem}-{suffix}.csv")
        with target.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(headers)
            writer.writerows(data)
        out.append(target)
    return out[0], out[1]


class Command(BaseCommand):
    help = "Write a generated organisation file (branches and staff) for tests, demos and benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--branches", type=int, default=2000, help="branches besides HQ (default 2000)")
        parser.add_argument("--staff", type=int, default=18000, help="staff members (default 18000)")
        parser.add_argument("--seed", type=int, default=1, help="random seed: the same seed, the same file")
        parser.add_argument("--include-hq", action="store_true", help="also write a row for the head office HQ")
        parser.add_argument(
            "--out", required=True, help="FILE.xlsx, or FILE.csv for FILE-branches.csv + FILE-staff.csv"
        )

    def handle(self, *args, branches, staff, seed, include_hq, out, **options):
        path = Path(out)
        if path.suffix.lower() not in (".xlsx", ".csv"):
            raise CommandError("--out must end in .xlsx or .csv")
        try:
            rows = org_rows(branches=branches, staff=staff, seed=seed, include_hq=include_hq)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if path.suffix.lower() == ".xlsx":
            org_xlsx_write(rows, path)
            written = [path]
        else:
            written = list(org_csv_write(rows, path))
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(rows.branches)} branches, {len(rows.staff)} staff → {', '.join(str(p) for p in written)}"
            )
        )
