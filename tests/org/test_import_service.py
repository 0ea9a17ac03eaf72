"""The organisation import service: reading CSV/XLSX, validating the whole file, applying it.

The small file builders at the top are shared with test_import_views.py and test_import_command.py.
"""

import copy
import csv
import io
import secrets

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation
from openpyxl import Workbook

from org.access import staff_visible
from org.models import Branch, Staff
from org.selectors import staff_awaiting_password
from org.services.org_import import OrgFileError, org_file_read, org_import
from org.services.org_template import BRANCH_HEADERS, STAFF_HEADERS, org_template_xlsx
from org.services.staff import CODE_ALPHABET, CODE_LENGTH, HEAD_OFFICE_GROUP
from tests.factories import PASSWORD, StaffFactory

# --- Files to import (shared with the view and command tests) ---------------------------------------

BRANCH_HEADERS_EN = ["code", "name", "parent_code", "address", "latitude", "longitude", "phone", "opening_hours"]
STAFF_HEADERS_EN = ["employee_no", "name", "role", "branch_code", "title", "mobile", "wechat_id", "licence_no"]

# Lines in a sheet: the header is line 1, so BRANCHES[i] is on line i + 2.
BRANCHES = [
    [
        "0101",
        "南昌分行",
        "HQ",
        "南昌市红谷滩区会展路1号",
        "28.682",
        "115.858",
        "0791-88880101",
        "周一至周五 9:00-17:00",
    ],
    ["0101001", "东湖支行", "0101", "南昌市东湖区八一大道2号", "", "", "0791-88880102", ""],
    ["0102", "九江分行", "HQ", "", "", "", "", ""],
]
STAFF = [
    ["E1001", "张三", "客户经理", "0101001", "客户经理", "13800138001", "zhangsan", "L0001"],
    ["E1002", "李四", "网点负责人", "0101001", "支行行长", "138 0013 8002", "", ""],
    ["E1003", "王五", "总行管理员", "HQ", "管理员", "", "", ""],
]


def rows(table):
    """A deep copy of a table, to change one cell without touching the module's constants."""
    return copy.deepcopy(table)


def xlsx_bytes(
    branches=BRANCHES,
    staff=STAFF,
    *,
    branch_headers=BRANCH_HEADERS,
    staff_headers=STAFF_HEADERS,
    sheet_names=("机构", "员工"),
) -> bytes:
    """A workbook as head office fills it in: a branch sheet and a staff sheet (None leaves one out)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, headers, table in zip(sheet_names, (branch_headers, staff_headers), (branches, staff), strict=True):
        if table is None:
            continue
        sheet = workbook.create_sheet(title)
        sheet.append(headers)
        for row in table:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(headers, table, *, encoding="utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerows(table)
    return out.getvalue().encode(encoding)


def import_bytes(name: str, content: bytes, **kwargs):
    return org_import(org_file_read(name=name, content=content), **kwargs)


def import_xlsx(branches=BRANCHES, staff=STAFF, **kwargs):
    return import_bytes("org.xlsx", xlsx_bytes(branches, staff), **kwargs)


def db_counts() -> dict[str, int]:
    return {
        "branches": Branch.objects.count(),
        "staff": Staff.objects.count(),
        "users": get_user_model().objects.count(),
    }


def summary_of(**counts) -> dict[str, int]:
    keys = ("branches_created", "branches_updated", "branches_unchanged")
    keys += ("staff_created", "staff_updated", "staff_unchanged")
    return {key: counts.get(key, 0) for key in keys}


@pytest.fixture(autouse=True)
def english():
    """Problems are asserted on in English, whatever catalogues the project gains later."""
    with translation.override("en"):
        yield


def branch(code: str) -> Branch:
    return Branch.objects.get(code=code)


def staff(employee_no: str) -> Staff:
    return Staff.objects.select_related("user", "branch").get(employee_no=employee_no)


# --- Reading ---------------------------------------------------------------------------------------


def test_xlsx_with_chinese_sheets_and_headers_imports_branches_and_staff(bank):
    before = db_counts()

    result = import_xlsx()

    assert result.ok, result.errors
    assert result.summary.as_dict() == summary_of(branches_created=3, staff_created=3)
    assert db_counts() == {
        "branches": before["branches"] + 3,
        "staff": before["staff"] + 3,
        "users": before["users"] + 3,
    }
    nanchang = branch("0101")
    assert nanchang.name == "南昌分行"
    assert nanchang.parent == branch("HQ")
    assert nanchang.path == "/HQ/0101/"
    assert nanchang.depth == 1
    assert str(nanchang.latitude) == "28.682000"
    assert str(nanchang.longitude) == "115.858000"
    assert nanchang.address == "南昌市红谷滩区会展路1号"
    assert nanchang.phone == "0791-88880101"
    assert nanchang.opening_hours == "周一至周五 9:00-17:00"
    donghu = branch("0101001")
    assert (donghu.parent, donghu.path, donghu.depth) == (nanchang, "/HQ/0101/0101001/", 2)
    assert donghu.latitude is None and donghu.longitude is None

    zhang = staff("E1001")
    assert (zhang.name, zhang.role, zhang.branch, zhang.title) == ("张三", Staff.Role.MANAGER, donghu, "客户经理")
    assert (zhang.mobile, zhang.wechat_id, zhang.licence_no) == ("13800138001", "zhangsan", "L0001")
    assert zhang.user.username == "E1001"
    assert staff("E1002").role == Staff.Role.BRANCH_HEAD
    assert staff("E1002").mobile == "13800138002"  # spaces people type into numbers are dropped
    assert staff("E1003").role == Staff.Role.HQ_ADMIN


def test_xlsx_with_english_sheet_names_and_headers_is_read(bank):
    content = xlsx_bytes(
        branch_headers=BRANCH_HEADERS_EN, staff_headers=STAFF_HEADERS_EN, sheet_names=("branches", "staff")
    )

    result = import_bytes("ORG.XLSX", content)

    assert result.ok, result.errors
    assert result.summary.as_dict() == summary_of(branches_created=3, staff_created=3)
    assert branch("0101001").path == "/HQ/0101/0101001/"
    assert staff("E1003").role == Staff.Role.HQ_ADMIN


def test_xlsx_sheets_with_other_names_are_told_apart_by_their_columns(bank):
    content = xlsx_bytes(sheet_names=("Sheet1", "Sheet2"))

    result = import_bytes("org.xlsx", content)

    assert result.ok, result.errors
    assert result.summary.as_dict() == summary_of(branches_created=3, staff_created=3)


def test_headers_ignore_case_spaces_and_required_markers(bank):
    branch_headers = ["机构号*", " 机构名称 ", "上级机构号", "地址", "纬度", "经度", "电话", "营业时间"]
    staff_headers = ["EMPLOYEE_NO*", "Name", " Role", "Branch_Code", "职务", "手机号", "微信号", "资格证号"]

    result = import_bytes("org.xlsx", xlsx_bytes(branch_headers=branch_headers, staff_headers=staff_headers))

    assert result.ok, result.errors
    assert staff("E1001").branch.code == "0101001"


def test_numbers_typed_into_excel_cells_are_read_as_text(bank):
    branches = [[101, "数字机构", "HQ", "", 28.5, 115, "", ""]]
    people = [[2001, "数字员工", "", 101, "", 13800138001, "", ""]]

    result = import_xlsx(branches, people)

    assert result.ok, result.errors
    created = branch("101")
    assert (str(created.latitude), str(created.longitude)) == ("28.500000", "115.000000")
    member = staff("2001")
    assert member.branch == created
    assert member.mobile == "13800138001"
    assert member.role == Staff.Role.MANAGER  # an empty role is an account manager


def test_utf8_csv_with_bom_is_read(bank):
    org_file = org_file_read(name="branches.csv", content=csv_bytes(BRANCH_HEADERS, BRANCHES))
    org_file = org_file_read(name="staff.csv", content=csv_bytes(STAFF_HEADERS, STAFF), org_file=org_file)

    result = org_import(org_file)

    assert result.ok, result.errors
    assert result.summary.as_dict() == summary_of(branches_created=3, staff_created=3)
    assert branch("0101").name == "南昌分行"
    assert staff("E1002").name == "李四"


@pytest.mark.parametrize("encoding", ["gbk", "gb18030"])
def test_gbk_csv_saved_by_chinese_excel_is_read(bank, encoding):
    branches_csv = csv_bytes(BRANCH_HEADERS, BRANCHES, encoding=encoding)
    staff_csv = csv_bytes(STAFF_HEADERS, STAFF, encoding=encoding)
    with pytest.raises(UnicodeDecodeError):
        staff_csv.decode("utf-8")  # really not UTF-8

    org_file = org_file_read(name="机构.csv", content=branches_csv)
    result = org_import(org_file_read(name="员工.csv", content=staff_csv, org_file=org_file))

    assert result.ok, result.errors
    assert branch("0101001").name == "东湖支行"
    assert staff("E1001").name == "张三"
    assert staff("E1002").role == Staff.Role.BRANCH_HEAD


def test_csv_with_english_headers_is_read(bank):
    org_file = org_file_read(name="b.csv", content=csv_bytes(BRANCH_HEADERS_EN, BRANCHES, encoding="utf-8"))
    org_file = org_file_read(
        name="s.csv", content=csv_bytes(STAFF_HEADERS_EN, STAFF, encoding="utf-8"), org_file=org_file
    )

    assert (len(org_file.branches), len(org_file.staff)) == (3, 3)
    assert org_import(org_file).ok


def test_csv_kind_is_told_by_its_columns_not_its_name(bank):
    org_file = org_file_read(name="员工.csv", content=csv_bytes(BRANCH_HEADERS, BRANCHES))

    assert (len(org_file.branches), len(org_file.staff)) == (3, 0)
    assert org_file.branches[0].sheet == "员工.csv"
    assert org_file.branches[0].line == 2


def test_blank_lines_are_skipped_but_keep_line_numbers(bank):
    content = "\ufeff机构号,机构名称,上级机构号\n\n0101,南昌分行,HQ\n,,\n0102,,HQ\n".encode()

    result = import_bytes("branches.csv", content)

    assert [(e.sheet, e.line) for e in result.errors] == [("branches.csv", 5)]


def test_notes_sheet_of_the_template_is_not_imported(bank):
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(org_template_xlsx()))
    for row in BRANCHES:
        workbook["机构"].append(row)
    for row in STAFF:
        workbook["员工"].append(row)
    out = io.BytesIO()
    workbook.save(out)

    result = import_bytes("yundian-org-template.xlsx", out.getvalue())

    assert result.ok, result.errors
    assert result.summary.as_dict() == summary_of(branches_created=3, staff_created=3)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("org.txt", b"code,name\nA,B\n", "Upload a .csv or .xlsx file"),
        ("org.xls", b"\xd0\xcf\x11\xe0", "Upload a .csv or .xlsx file"),
        ("org.xlsx", b"this is not a zip file", "cannot be opened"),
        ("org.csv", "名字,电话\n张三,1\n".encode(), "first row must name the columns"),
        ("org.csv", b"", "holds no branch or staff rows"),
        ("org.csv", "\ufeff工号,姓名\n".encode(), "holds no branch or staff rows"),
        ("org.csv", b"\xff\xfe\x00\x00\xff", "neither UTF-8 nor GBK"),
    ],
    ids=["txt", "xls", "damaged-xlsx", "no-header", "empty", "header-only", "binary"],
)
def test_unreadable_files_are_refused_with_a_reason(bank, name, content, message):
    with pytest.raises(OrgFileError, match=message):
        org_file_read(name=name, content=content)


def test_blank_template_is_refused_as_empty(bank):
    with pytest.raises(OrgFileError, match="holds no branch or staff rows"):
        org_file_read(name="template.xlsx", content=org_template_xlsx())


# --- Validating: every bad row reported, nothing written ----------------------------------------------


def _set(table: str, index: int, column: int, value):
    def change(files):
        files[table][index][column] = value

    return change


def _append(table: str, row):
    def change(files):
        files[table].append(list(row))

    return change


def _both(*changes):
    def change(files):
        for c in changes:
            c(files)

    return change


BAD_ROWS = [
    # (id, change to the good file, expected problems as (sheet, line, words in the message))
    ("branch-code-with-space", _set("branches", 2, 0, "01 02"), [("机构", 4, "branch code “01 02” must be")]),
    ("branch-code-too-long", _set("branches", 2, 0, "X" * 33), [("机构", 4, "must be 1–32 letters")]),
    ("branch-code-chinese", _set("branches", 2, 0, "九江"), [("机构", 4, "branch code “九江” must be")]),
    ("branch-code-missing", _set("branches", 2, 0, ""), [("机构", 4, "branch code “” must be")]),
    (
        "branch-code-twice",
        _append("branches", ["0102", "九江分行二", "HQ", "", "", "", "", ""]),
        [("机构", 5, "branch code 0102 appears more than once")],
    ),
    ("branch-name-missing", _set("branches", 2, 1, ""), [("机构", 4, "the branch name is missing")]),
    ("branch-name-too-long", _set("branches", 2, 1, "行" * 101), [("机构", 4, "name is longer than 100")]),
    ("unknown-parent", _set("branches", 2, 2, "9999"), [("机构", 4, "parent branch 9999 does not exist")]),
    (
        "own-parent",
        _set("branches", 2, 2, "0102"),
        [("机构", 4, "cannot be its own parent"), ("机构", 4, "branch 0102 would be its own ancestor")],
    ),
    (
        "parent-cycle",
        _set("branches", 0, 2, "0101001"),
        [("机构", 2, "branch 0101 would be its own ancestor"), ("机构", 3, "branch 0101001 would be its own ancestor")],
    ),
    (
        "parent-cycle-through-head-office",
        _append("branches", ["HQ", "总行", "0102", "", "", "", "", ""]),
        [
            ("机构", 2, "branch 0101 would be its own ancestor"),
            ("机构", 3, "branch 0101001 would be its own ancestor"),
            ("机构", 4, "branch 0102 would be its own ancestor"),
            ("机构", 5, "branch HQ would be its own ancestor"),
        ],
    ),
    ("latitude-above-90", _set("branches", 0, 4, "90.5"), [("机构", 2, "latitude must be between -90 and 90")]),
    ("latitude-below-minus-90", _set("branches", 0, 4, "-91"), [("机构", 2, "latitude must be between")]),
    ("longitude-above-180", _set("branches", 0, 5, "180.01"), [("机构", 2, "longitude between -180 and 180")]),
    ("latitude-not-a-number", _set("branches", 0, 4, "北纬28度"), [("机构", 2, "latitude must be between")]),
    ("latitude-nan", _set("branches", 0, 4, "NaN"), [("机构", 2, "latitude must be between")]),
    ("longitude-infinite", _set("branches", 0, 5, "Infinity"), [("机构", 2, "latitude must be between")]),
    ("only-latitude", _set("branches", 0, 5, ""), [("机构", 2, "give both latitude and longitude, or neither")]),
    ("only-longitude", _set("branches", 0, 4, ""), [("机构", 2, "give both latitude and longitude, or neither")]),
    ("employee-no-with-space", _set("staff", 0, 0, "E 1001"), [("员工", 2, "employee number “E 1001” must be")]),
    ("employee-no-missing", _set("staff", 0, 0, ""), [("员工", 2, "employee number “” must be")]),
    ("employee-no-twice", _set("staff", 1, 0, "E1001"), [("员工", 3, "employee number E1001 appears more than once")]),
    ("staff-name-missing", _set("staff", 0, 1, ""), [("员工", 2, "the name is missing")]),
    ("staff-name-too-long", _set("staff", 0, 1, "张" * 51), [("员工", 2, "name is longer than 50 characters")]),
    ("unknown-role", _set("staff", 0, 2, "柜员"), [("员工", 2, "role “柜员” is not one of")]),
    ("unknown-branch", _set("staff", 0, 3, "9999"), [("员工", 2, "branch 9999 does not exist")]),
    ("branch-missing", _set("staff", 0, 3, ""), [("员工", 2, "branch — does not exist")]),
    (
        "branch-rejected-in-same-file",
        _both(_set("branches", 2, 0, "0 102"), _set("staff", 0, 3, "0 102")),
        [("机构", 4, "branch code “0 102” must be"), ("员工", 2, "branch 0 102 does not exist")],
    ),
    ("mobile-too-short", _set("staff", 0, 5, "1380013800"), [("员工", 2, "mobile number 1380013800 is not")]),
    ("mobile-not-mainland", _set("staff", 0, 5, "12800138001"), [("员工", 2, "mobile number 12800138001 is not")]),
    ("mobile-with-letters", _set("staff", 0, 5, "138abc38001"), [("员工", 2, "is not an 11-digit mainland number")]),
    ("title-too-long", _set("staff", 0, 4, "职" * 51), [("员工", 2, "title is longer than 50")]),
]


@pytest.mark.parametrize(("change", "expected"), [case[1:] for case in BAD_ROWS], ids=[case[0] for case in BAD_ROWS])
def test_bad_row_is_reported_by_sheet_and_line_and_nothing_is_written(bank, change, expected):
    files = {"branches": rows(BRANCHES), "staff": rows(STAFF)}
    change(files)
    before = db_counts()

    result = import_xlsx(files["branches"], files["staff"])

    assert not result.ok
    assert result.summary is None
    found = [(e.sheet, e.line) for e in result.errors]
    assert sorted(found) == sorted((sheet, line) for sheet, line, _ in expected), result.errors
    for sheet, line, words in expected:
        messages = [e.message for e in result.errors if (e.sheet, e.line) == (sheet, line)]
        assert any(words in m for m in messages), (words, messages)
    assert db_counts() == before
    assert not Branch.objects.filter(code__in=["0101", "0101001", "0102"]).exists()
    assert not Staff.objects.filter(employee_no__startswith="E100").exists()


def test_every_bad_row_in_the_file_is_reported_at_once(bank):
    branches, people = rows(BRANCHES), rows(STAFF)
    branches[0][4] = "95"  # line 2
    branches[2][2] = "NOPE"  # line 4
    people[0][5] = "110"  # line 2
    people[1][2] = "teller"  # line 3
    people.append(["E1001", "重复", "", "HQ", "", "", "", ""])  # line 5
    before = db_counts()

    result = import_xlsx(branches, people)

    assert [(e.sheet, e.line) for e in result.errors] == sorted(
        [("机构", 2), ("机构", 4), ("员工", 2), ("员工", 3), ("员工", 5)]
    )
    assert db_counts() == before


def test_problem_reads_as_sheet_line_and_reason(bank):
    people = rows(STAFF)
    people[2][2] = "teller"

    (error,) = import_xlsx(BRANCHES, people).errors

    assert str(error) == (
        "员工 line 4: role “teller” is not one of manager/客户经理, branch_head/网点负责人, hq_admin/总行管理员."
    )


def test_photo_column_is_refused_without_a_photos_folder(bank):
    people = [[*row, ""] for row in STAFF]
    people[0][-1] = "zhangsan.jpg"
    content = xlsx_bytes(BRANCHES, people, staff_headers=[*STAFF_HEADERS, "照片"])

    result = import_bytes("org.xlsx", content)

    assert [(e.sheet, e.line) for e in result.errors] == [("员工", 2)]
    assert "--photos" in result.errors[0].message


def test_bad_row_leaves_existing_people_and_branches_untouched(bank):
    assert import_xlsx().ok
    branches, people = rows(BRANCHES), rows(STAFF)
    branches[0][1] = "南昌分行（新）"
    people[0][1] = "张三丰"
    people[1][3] = "0102"
    people[2][5] = "not-a-mobile"
    before = {
        "branch": Branch.objects.values().get(code="0101"),
        "staff": list(Staff.objects.order_by("pk").values()),
    }

    result = import_xlsx(branches, people)

    assert [(e.sheet, e.line) for e in result.errors] == [("员工", 4)]
    assert Branch.objects.values().get(code="0101") == before["branch"]
    assert list(Staff.objects.order_by("pk").values()) == before["staff"]


def test_moving_an_existing_branch_under_its_own_descendant_is_a_cycle(bank):
    assert import_xlsx().ok
    # 0101001 is not in this file: its parent (0101) comes from the bank.
    branches = [["0101", "南昌分行", "0101001", "", "", "", "", ""]]

    result = import_xlsx(branches, None)

    assert [(e.sheet, e.line) for e in result.errors] == [("机构", 2)]
    assert "would be its own ancestor" in result.errors[0].message
    assert branch("0101").parent.code == "HQ"


def test_staff_may_belong_to_a_branch_already_in_the_bank(bank):
    result = import_xlsx(None, [["E2001", "赵六", "", "HQ", "", "", "", ""]])

    assert result.ok, result.errors
    assert staff("E2001").branch.code == "HQ"


# --- Re-importing --------------------------------------------------------------------------------------


def _snapshot():
    return {
        "branches": {b.code: (b.pk, b.parent_id, b.path, b.depth, b.updated_at) for b in Branch.objects.all()},
        "staff": {
            s.employee_no: (s.pk, s.code, s.user_id, s.user.password, s.updated_at, s.must_change_password)
            for s in Staff.objects.select_related("user")
        },
    }


def test_reimporting_the_same_file_changes_nothing(bank):
    assert import_xlsx().ok
    before = _snapshot()

    result = import_xlsx()

    assert result.ok, result.errors
    assert result.summary.as_dict() == summary_of(branches_unchanged=3, staff_unchanged=3)
    assert _snapshot() == before


def test_reimporting_the_same_csv_in_gbk_changes_nothing(bank):
    # The numbers and coordinates read from a CSV compare equal to what the database gave back.
    files = {"b.csv": csv_bytes(BRANCH_HEADERS, BRANCHES, encoding="gbk")}
    files["s.csv"] = csv_bytes(STAFF_HEADERS, STAFF, encoding="gbk")

    def run():
        org_file = None
        for name, content in files.items():
            org_file = org_file_read(name=name, content=content, org_file=org_file)
        return org_import(org_file)

    assert run().ok
    before = _snapshot()

    assert run().summary.as_dict() == summary_of(branches_unchanged=3, staff_unchanged=3)
    assert _snapshot() == before


def test_updated_file_updates_staff_in_place(bank):
    assert import_xlsx().ok
    old = staff("E1001")
    untouched = {no: staff(no).updated_at for no in ("E1002", "E1003")}
    people = rows(STAFF)
    people[0] = ["E1001", "张三丰", "客户经理", "0102", "高级客户经理", "13900139001", "zsf", "L0002"]

    result = import_xlsx(BRANCHES, people)

    assert result.ok, result.errors
    assert result.summary.as_dict() == summary_of(branches_unchanged=3, staff_updated=1, staff_unchanged=2)
    new = staff("E1001")
    assert (new.pk, new.code, new.user_id) == (old.pk, old.code, old.user_id)
    assert (new.name, new.branch.code, new.title) == ("张三丰", "0102", "高级客户经理")
    assert (new.mobile, new.wechat_id, new.licence_no) == ("13900139001", "zsf", "L0002")
    assert new.updated_at > old.updated_at
    assert {no: staff(no).updated_at for no in ("E1002", "E1003")} == untouched
    assert Staff.objects.filter(employee_no="E1001").count() == 1


def test_updated_file_updates_branches_in_place(bank):
    assert import_xlsx().ok
    old = branch("0101")
    branches = rows(BRANCHES)
    branches[0] = ["0101", "南昌分行营业部", "HQ", "新地址", "28.7", "115.9", "0791-1", "全天"]

    result = import_xlsx(branches, STAFF)

    assert result.summary.as_dict() == summary_of(branches_updated=1, branches_unchanged=2, staff_unchanged=3)
    new = branch("0101")
    assert new.pk == old.pk
    assert (new.name, new.address, new.phone, new.opening_hours) == ("南昌分行营业部", "新地址", "0791-1", "全天")
    assert (str(new.latitude), str(new.longitude)) == ("28.700000", "115.900000")
    assert new.updated_at > old.updated_at
    assert Branch.objects.filter(code="0101").count() == 1


def test_staff_missing_from_a_new_file_are_kept(bank):
    assert import_xlsx().ok
    kept = {no: staff(no) for no in ("E1002", "E1003")}

    result = import_xlsx(BRANCHES, STAFF[:1])

    assert result.summary.as_dict() == summary_of(branches_unchanged=3, staff_unchanged=1)
    for no, before in kept.items():
        after = staff(no)
        assert (after.pk, after.code, after.left_at, after.user.is_active) == (before.pk, before.code, None, True)


def test_branches_missing_from_a_new_file_are_kept(bank):
    assert import_xlsx().ok

    result = import_xlsx(BRANCHES[:1], None)

    assert result.summary.as_dict() == summary_of(branches_unchanged=1)
    assert Branch.objects.filter(code__in=["0101", "0101001", "0102"]).count() == 3


def test_moving_a_branch_recomputes_the_path_of_its_whole_subtree(bank):
    branches = [*rows(BRANCHES), ["0101001001", "东湖支行营业室", "0101001", "", "", "", "", ""]]
    assert import_xlsx(branches, STAFF).ok
    branches[0][2] = "0102"  # 南昌分行 moves under 九江分行

    result = import_xlsx(branches, STAFF)

    assert result.ok, result.errors
    assert branch("0101").parent.code == "0102"
    paths = {b.code: (b.path, b.depth) for b in Branch.objects.all()}
    assert paths["0101"] == ("/HQ/0102/0101/", 2)
    assert paths["0101001"] == ("/HQ/0102/0101/0101001/", 3)
    assert paths["0101001001"] == ("/HQ/0102/0101/0101001/0101001001/", 4)
    assert paths["0102"] == ("/HQ/0102/", 1)
    # The moved branch and the two below it changed; 九江分行 itself did not.
    assert result.summary.as_dict() == summary_of(branches_updated=3, branches_unchanged=1, staff_unchanged=3)


def test_moving_a_branch_alone_moves_descendants_missing_from_the_file(bank):
    assert import_xlsx().ok

    result = import_xlsx(
        [
            [
                "0101",
                "南昌分行",
                "0102",
                "南昌市红谷滩区会展路1号",
                "28.682",
                "115.858",
                "0791-88880101",
                "周一至周五 9:00-17:00",
            ]
        ],
        None,
    )

    assert result.ok, result.errors
    assert branch("0101001").path == "/HQ/0102/0101/0101001/"
    assert branch("0101001").depth == 3
    # The summary counts the rows of the file: one branch, moved.
    assert result.summary.as_dict() == summary_of(branches_updated=1)


def test_branch_head_of_new_parent_sees_staff_of_moved_branch(bank):
    assert import_xlsx().ok
    head = StaffFactory(role=Staff.Role.BRANCH_HEAD, branch=branch("0102"))
    assert not staff_visible(viewer=head).filter(employee_no="E1001").exists()
    branches = rows(BRANCHES)
    branches[0][2] = "0102"

    assert import_xlsx(branches, STAFF).ok

    head.branch.refresh_from_db()
    assert staff_visible(viewer=head).filter(employee_no="E1001").exists()


def test_branch_with_blank_parent_becomes_a_root(bank):
    assert import_xlsx().ok
    branches = rows(BRANCHES)
    branches[0][2] = ""

    assert import_xlsx(branches, STAFF).ok

    assert (branch("0101").parent, branch("0101").path, branch("0101").depth) == (None, "/0101/", 0)
    assert branch("0101001").path == "/0101/0101001/"


def test_children_may_come_before_their_parents_in_the_file(bank):
    branches = list(reversed(rows(BRANCHES)))

    assert import_xlsx(branches, STAFF).ok

    assert branch("0101001").path == "/HQ/0101/0101001/"


# --- Codes, logins, roles ----------------------------------------------------------------------------


def test_new_staff_get_unique_link_codes_from_the_code_alphabet(bank):
    people = [[f"E{n:04d}", f"员工{n}", "", "HQ", "", "", "", ""] for n in range(60)]

    assert import_xlsx(None, people).ok

    codes = list(Staff.objects.filter(employee_no__in=[p[0] for p in people]).values_list("code", flat=True))
    assert len(codes) == 60
    assert len(set(codes)) == 60
    for code in codes:
        assert len(code) == CODE_LENGTH == 8
        assert set(code) <= set(CODE_ALPHABET)


def test_link_codes_are_permanent_across_reimports(bank):
    assert import_xlsx().ok
    codes = dict(Staff.objects.values_list("employee_no", "code"))
    people = rows(STAFF)
    for row in people:
        row[1] += "（改）"
        row[2] = "客户经理"

    assert import_xlsx(BRANCHES, people).summary.staff_updated == 3

    assert dict(Staff.objects.values_list("employee_no", "code")) == codes


def test_new_link_codes_never_repeat_a_code_already_taken(bank, monkeypatch):
    StaffFactory(code="22222222")
    drawn = iter("22222222" + "33333333" + "33333333" + "44444444")
    real_choice = secrets.choice

    def scripted_choice(seq):
        # Only the draws of link codes are scripted; other random strings stay random.
        return next(drawn) if seq == CODE_ALPHABET else real_choice(seq)

    monkeypatch.setattr(secrets, "choice", scripted_choice)

    result = import_xlsx(None, [["E3001", "甲", "", "HQ", "", "", "", ""], ["E3002", "乙", "", "HQ", "", "", "", ""]])

    assert result.ok, result.errors
    assert staff("E3001").code == "33333333"
    assert staff("E3002").code == "44444444"


def test_new_staff_have_no_usable_password_and_must_change_it(bank):
    assert import_xlsx().ok

    for no in ("E1001", "E1002", "E1003"):
        member = staff(no)
        assert member.user.username == no
        assert not member.user.has_usable_password()
        assert member.must_change_password is True
        assert member.user.is_active
    admin = StaffFactory(role=Staff.Role.HQ_ADMIN, branch=branch("HQ"))
    awaiting = set(staff_awaiting_password(viewer=admin).values_list("employee_no", flat=True))
    assert {"E1001", "E1002", "E1003"} <= awaiting


def test_reimport_keeps_the_login_of_someone_already_in_the_bank(bank):
    existing = StaffFactory(employee_no="E1001", branch=branch("HQ"))
    people = rows(STAFF)
    people[0][3] = "HQ"

    result = import_xlsx(BRANCHES, people)

    assert result.summary.as_dict() == summary_of(branches_created=3, staff_created=2, staff_updated=1)
    member = staff("E1001")
    assert (member.pk, member.user_id, member.code) == (existing.pk, existing.user_id, existing.code)
    assert member.user.check_password(PASSWORD)
    assert member.must_change_password is False


def test_a_login_without_a_staff_record_is_taken_over_without_its_password_or_rights(bank):
    from org.services.staff import head_office_group

    orphan = get_user_model().objects.create_user("E1001", password=PASSWORD, is_staff=True, is_superuser=True)
    orphan.groups.add(head_office_group())

    assert import_xlsx().ok

    member = staff("E1001")
    assert member.user_id == orphan.pk
    assert member.must_change_password
    assert not member.user.has_usable_password()
    assert not member.user.check_password(PASSWORD)
    assert not member.user.is_superuser
    assert not member.user.is_staff
    assert not member.user.groups.filter(name=HEAD_OFFICE_GROUP).exists()


def _is_head_office(user) -> bool:
    user.refresh_from_db()
    return user.is_staff and user.groups.filter(name=HEAD_OFFICE_GROUP).exists()


def test_head_office_admins_get_admin_access_and_others_do_not(bank):
    assert import_xlsx().ok

    assert _is_head_office(staff("E1003").user)
    for no in ("E1001", "E1002"):
        user = staff(no).user
        assert not user.is_staff
        assert not user.groups.filter(name=HEAD_OFFICE_GROUP).exists()
    assert staff("E1003").user.has_perm("wagtailadmin.access_admin")


def test_changing_a_role_away_from_hq_admin_removes_admin_access(bank):
    assert import_xlsx().ok
    people = rows(STAFF)
    people[2][2] = "客户经理"  # 王五 is no longer head office
    people[0][2] = "hq_admin"  # 张三 now is

    result = import_xlsx(BRANCHES, people)

    assert result.summary.staff_updated == 2
    wang = staff("E1003")
    assert wang.role == Staff.Role.MANAGER
    assert not wang.user.is_staff
    assert not wang.user.groups.filter(name=HEAD_OFFICE_GROUP).exists()
    assert staff("E1001").role == Staff.Role.HQ_ADMIN
    assert _is_head_office(staff("E1001").user)


@pytest.mark.parametrize(
    ("value", "role"),
    [
        ("", Staff.Role.MANAGER),
        ("manager", Staff.Role.MANAGER),
        ("客户经理", Staff.Role.MANAGER),
        ("BRANCH_HEAD", Staff.Role.BRANCH_HEAD),
        ("网点负责人", Staff.Role.BRANCH_HEAD),
        ("支行行长", Staff.Role.BRANCH_HEAD),
        (" Hq_Admin ", Staff.Role.HQ_ADMIN),
        ("总行管理员", Staff.Role.HQ_ADMIN),
    ],
)
def test_roles_are_given_in_english_or_chinese(bank, value, role):
    assert import_xlsx(None, [["E4001", "钱七", value, "HQ", "", "", "", ""]]).ok

    assert staff("E4001").role == role


# --- Progress and banks ----------------------------------------------------------------------------------


def test_progress_is_reported_up_to_every_row(bank):
    calls = []

    result = import_xlsx(progress=lambda done, total: calls.append((done, total)))

    assert result.ok
    assert calls[-1] == (6, 6)
    assert all(total == 6 for _, total in calls)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_import_writes_only_into_the_current_bank(bank, in_other_bank):
    with in_other_bank():
        theirs = db_counts()

    assert import_xlsx().ok

    with in_other_bank():
        assert db_counts() == theirs
        assert not Branch.objects.filter(code="0101").exists()
        assert not Staff.objects.filter(employee_no="E1001").exists()
