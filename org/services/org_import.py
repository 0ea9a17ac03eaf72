"""Importing a bank's organisation (branches and staff) from CSV or XLSX.

The whole file is read and validated before anything is written; any bad row rejects the file,
with every problem reported by sheet and line. Applying is one transaction of bulk upserts keyed by
branch code and employee number, so re-importing the same file changes nothing, an updated file
updates in place, and nobody missing from the file is deleted.

New staff get a login with no usable password: head office (or their branch head) issues them a
one-time password to hand over (`one_time_password_issue`), which they change at first login.
"""

from __future__ import annotations

import csv
import io
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from org import signals as org_signals
from org.models import Branch, Staff
from org.services.staff import CODE_ALPHABET, CODE_LENGTH, head_office_group

Progress = Callable[[int, int], None]

# Column headers accepted for each field, English and Chinese (case and spaces ignored).
BRANCH_COLUMNS = {
    "code": ("code", "branch_code", "机构号", "机构代码", "网点代码"),
    "name": ("name", "branch_name", "机构名称", "网点名称", "名称"),
    "parent_code": ("parent_code", "parent", "上级机构号", "上级机构代码", "上级网点代码"),
    "address": ("address", "地址"),
    "latitude": ("latitude", "lat", "纬度"),
    "longitude": ("longitude", "lng", "lon", "经度"),
    "phone": ("phone", "电话", "联系电话"),
    "opening_hours": ("opening_hours", "hours", "营业时间"),
}
STAFF_COLUMNS = {
    "employee_no": ("employee_no", "employee_number", "工号", "员工号"),
    "name": ("name", "姓名"),
    "role": ("role", "角色"),
    "branch_code": ("branch_code", "branch", "所属机构号", "机构号", "网点代码"),
    "title": ("title", "职务", "职位"),
    "mobile": ("mobile", "phone", "手机", "手机号"),
    "wechat_id": ("wechat_id", "wechat", "微信号"),
    "licence_no": ("licence_no", "license_no", "qualification", "资格证号", "执业证号"),
    "photo": ("photo", "照片"),
}
ROLE_VALUES = {
    "manager": Staff.Role.MANAGER,
    "客户经理": Staff.Role.MANAGER,
    "branch_head": Staff.Role.BRANCH_HEAD,
    "网点负责人": Staff.Role.BRANCH_HEAD,
    "支行行长": Staff.Role.BRANCH_HEAD,
    "hq_admin": Staff.Role.HQ_ADMIN,
    "总行管理员": Staff.Role.HQ_ADMIN,
}
# How fields are named in messages (the column headers head office knows them by).
FIELD_LABELS = {
    "name": _lazy("name"),
    "address": _lazy("address"),
    "phone": _lazy("phone"),
    "opening_hours": _lazy("opening hours"),
    "title": _lazy("job title"),
    "wechat_id": _lazy("WeChat ID"),
    "licence_no": _lazy("licence number"),
}
CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
SHEET_NAMES = {"branches": ("branches", "机构", "网点"), "staff": ("staff", "员工", "人员")}
PHOTO_TYPES = {".jpg", ".jpeg", ".png", ".webp"}
MAX_PHOTO_BYTES = 5 * 1024 * 1024
PROGRESS_EVERY = 500


class OrgFileError(Exception):
    """The file cannot be read at all (wrong type, no recognisable header)."""


@dataclass
class Row:
    sheet: str
    line: int
    values: dict[str, str]


@dataclass
class RowError:
    sheet: str
    line: int
    message: str

    def __str__(self):
        return _("%(sheet)s line %(line)s: %(message)s") % {
            "sheet": self.sheet,
            "line": self.line,
            "message": self.message,
        }


@dataclass
class OrgFile:
    branches: list[Row] = field(default_factory=list)
    staff: list[Row] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.branches) + len(self.staff)


@dataclass
class ImportSummary:
    branches_created: int = 0
    branches_updated: int = 0
    branches_unchanged: int = 0
    staff_created: int = 0
    staff_updated: int = 0
    staff_unchanged: int = 0

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class ImportResult:
    errors: list[RowError]
    summary: ImportSummary | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


# --- Reading ---------------------------------------------------------------------------------------


def _normalise(header: str) -> str:
    return re.sub(r"[\s*]+", "", str(header or "")).lower()


def _header_map(headers: list[str], columns: dict) -> dict[int, str]:
    lookup = {_normalise(alias): name for name, aliases in columns.items() for alias in aliases}
    return {i: lookup[_normalise(h)] for i, h in enumerate(headers) if _normalise(h) in lookup}


def _kind_of(headers: list[str]) -> str | None:
    names = {_normalise(h) for h in headers}
    if names & {_normalise(a) for a in STAFF_COLUMNS["employee_no"]}:
        return "staff"
    if names & {_normalise(a) for a in BRANCH_COLUMNS["code"]}:
        return "branches"
    return None


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _add_table(
    org_file: OrgFile, sheet: str, rows: Iterable[tuple], kind: str | None = None, skip_unknown: bool = False
) -> None:
    rows = iter(rows)
    header_line = 0
    headers: list[str] = []
    while not any(headers):  # the first non-empty row names the columns
        raw = next(rows, None)
        if raw is None:
            return  # an empty sheet
        header_line += 1
        headers = [_cell(h) for h in raw]
    kind = kind or _kind_of(headers)
    if kind is None and skip_unknown:
        return  # e.g. a sheet of notes in the workbook
    if kind is None:
        raise OrgFileError(
            _("%(sheet)s: the first row must name the columns (e.g. 机构号/code or 工号/employee_no).")
            % {"sheet": sheet}
        )
    mapping = _header_map(headers, STAFF_COLUMNS if kind == "staff" else BRANCH_COLUMNS)
    target = org_file.staff if kind == "staff" else org_file.branches
    for line, raw in enumerate(rows, start=header_line + 1):
        values = {name: _cell(raw[i]) if i < len(raw) else "" for i, name in mapping.items()}
        if any(values.values()):
            target.append(Row(sheet=sheet, line=line, values=values))


def _decode_csv(content: bytes) -> str:
    # Excel in China saves CSV as GB18030/GBK unless told otherwise; UTF-8 (with or without BOM) too.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise OrgFileError(_("The CSV file is neither UTF-8 nor GBK text."))


def org_file_read(*, name: str, content: bytes, org_file: OrgFile | None = None) -> OrgFile:
    """Read a CSV (branches or staff, told apart by their columns) or an XLSX workbook (a sheet
    each; sheets named 机构/员工 or branches/staff, or told apart by their columns)."""
    org_file = org_file or OrgFile()
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        text = _decode_csv(content)
        _add_table(org_file, Path(name).name, csv.reader(io.StringIO(text)))
    elif suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a damaged file
            raise OrgFileError(_("The XLSX file cannot be opened: %(reason)s") % {"reason": exc}) from None
        try:
            for sheet in workbook.worksheets:
                kind = next((k for k, names in SHEET_NAMES.items() if sheet.title.strip().lower() in names), None)
                _add_table(org_file, sheet.title, sheet.iter_rows(values_only=True), kind, skip_unknown=True)
        finally:
            workbook.close()
    else:
        raise OrgFileError(_("Upload a .csv or .xlsx file."))
    if not org_file.total:
        raise OrgFileError(_("%(name)s holds no branch or staff rows.") % {"name": name})
    return org_file


# --- Validating ------------------------------------------------------------------------------------


@dataclass
class _Plan:
    branches: dict[str, dict]  # code -> cleaned values
    staff: dict[str, dict]  # employee_no -> cleaned values


def _decimal(value: str, low: int, high: int) -> Decimal:
    number = Decimal(value)
    if not (low <= number <= high) or not number.is_finite():
        raise InvalidOperation
    return number.quantize(Decimal("0.000001"))


def _validate_branches(rows: list[Row], existing: dict[str, int | None], errors: list[RowError]) -> dict[str, dict]:
    cleaned: dict[str, dict] = {}
    for row in rows:
        v = row.values

        def error(message, row=row):
            errors.append(RowError(row.sheet, row.line, message))

        code = v.get("code", "")
        if not CODE_RE.match(code):
            error(_("branch code “%(code)s” must be 1–32 letters, digits, - or _.") % {"code": code})
            continue
        if code in cleaned:
            error(_("branch code %(code)s appears more than once in the file.") % {"code": code})
            continue
        item = {
            "name": v.get("name", ""),
            "parent_code": v.get("parent_code", ""),
            "address": v.get("address", ""),
            "phone": v.get("phone", ""),
            "opening_hours": v.get("opening_hours", ""),
            "latitude": None,
            "longitude": None,
            "_line": row,
        }
        if not item["name"]:
            error(_("the branch name is missing."))
        for key, limit in (("name", 100), ("address", 200), ("phone", 40), ("opening_hours", 200)):
            if len(item[key]) > limit:
                error(
                    _("%(field)s is longer than %(limit)s characters.") % {"field": FIELD_LABELS[key], "limit": limit}
                )
        lat, lng = v.get("latitude", ""), v.get("longitude", "")
        if bool(lat) != bool(lng):
            error(_("give both latitude and longitude, or neither."))
        elif lat:
            try:
                item["latitude"] = _decimal(lat, -90, 90)
                item["longitude"] = _decimal(lng, -180, 180)
            except (InvalidOperation, ValueError):
                error(_("latitude must be between -90 and 90 and longitude between -180 and 180."))
        if item["parent_code"] == code:
            error(_("a branch cannot be its own parent."))
        cleaned[code] = item

    # Parents must exist (in the file or already in the bank), and the tree must have no cycles.
    parent_of = {**existing, **{code: item["parent_code"] or None for code, item in cleaned.items()}}
    for code, item in cleaned.items():
        row = item["_line"]
        parent = item["parent_code"]
        if parent and parent not in parent_of:
            errors.append(RowError(row.sheet, row.line, _("parent branch %(code)s does not exist.") % {"code": parent}))
            continue
        seen, current = {code}, parent
        while current:
            if current in seen:
                errors.append(
                    RowError(row.sheet, row.line, _("branch %(code)s would be its own ancestor.") % {"code": code})
                )
                break
            seen.add(current)
            current = parent_of.get(current)
    return cleaned


def _validate_staff(
    rows: list[Row], branch_codes: set[str], errors: list[RowError], photos_dir: Path | None, progress
) -> dict[str, dict]:
    cleaned: dict[str, dict] = {}
    for index, row in enumerate(rows, start=1):
        if progress and index % PROGRESS_EVERY == 0:
            progress(index)
        v = row.values

        def error(message, row=row):
            errors.append(RowError(row.sheet, row.line, message))

        employee_no = v.get("employee_no", "")
        if not CODE_RE.match(employee_no):
            error(_("employee number “%(no)s” must be 1–32 letters, digits, - or _.") % {"no": employee_no})
            continue
        if employee_no in cleaned:
            error(_("employee number %(no)s appears more than once in the file.") % {"no": employee_no})
            continue
        role = ROLE_VALUES.get(v.get("role", "").strip().lower() or "manager")
        item = {
            "name": v.get("name", ""),
            "role": role,
            "branch_code": v.get("branch_code", ""),
            "title": v.get("title", ""),
            "mobile": v.get("mobile", "").replace(" ", "").replace("-", ""),
            "wechat_id": v.get("wechat_id", ""),
            "licence_no": v.get("licence_no", ""),
            "photo": None,
        }
        if not item["name"]:
            error(_("the name is missing."))
        elif len(item["name"]) > 50:
            error(_("%(field)s is longer than %(limit)s characters.") % {"field": FIELD_LABELS["name"], "limit": 50})
        if role is None:
            error(
                _("role “%(role)s” is not one of manager/客户经理, branch_head/网点负责人, hq_admin/总行管理员.")
                % {"role": v.get("role")}
            )
        if item["branch_code"] not in branch_codes:
            error(_("branch %(code)s does not exist.") % {"code": item["branch_code"] or "—"})
        if item["mobile"] and not MOBILE_RE.match(item["mobile"]):
            error(_("mobile number %(mobile)s is not an 11-digit mainland number.") % {"mobile": item["mobile"]})
        for key, limit in (("title", 50), ("wechat_id", 50), ("licence_no", 50)):
            if len(item[key]) > limit:
                error(
                    _("%(field)s is longer than %(limit)s characters.") % {"field": FIELD_LABELS[key], "limit": limit}
                )
        photo = v.get("photo", "")
        if photo:
            if photos_dir is None:
                error(_("photos can only be imported from the command line with --photos; leave the column empty."))
            else:
                path = (photos_dir / photo).resolve()
                if photos_dir.resolve() not in path.parents or not path.is_file():
                    error(_("photo %(photo)s was not found.") % {"photo": photo})
                elif path.suffix.lower() not in PHOTO_TYPES or path.stat().st_size > MAX_PHOTO_BYTES:
                    error(_("photo %(photo)s must be a JPEG, PNG or WebP of at most 5 MB.") % {"photo": photo})
                else:
                    item["photo"] = path
        cleaned[employee_no] = item
    return cleaned


def org_import_validate(org_file: OrgFile, *, photos_dir: Path | None = None, progress=None) -> tuple[_Plan, list]:
    errors: list[RowError] = []
    existing_parents = dict(Branch.objects.values_list("code", "parent__code").iterator(chunk_size=5000))
    branches = _validate_branches(org_file.branches, existing_parents, errors)
    if progress:
        progress(len(org_file.branches))
    branch_codes = set(existing_parents) | set(branches)
    staff = _validate_staff(
        org_file.staff,
        branch_codes,
        errors,
        photos_dir,
        (lambda n: progress(len(org_file.branches) + n)) if progress else None,
    )
    errors.sort(key=lambda e: (e.sheet, e.line))
    return _Plan(branches=branches, staff=staff), errors


# --- Applying --------------------------------------------------------------------------------------

BRANCH_FIELDS = ("name", "address", "phone", "opening_hours", "latitude", "longitude")
STAFF_FIELDS = ("name", "role", "title", "mobile", "wechat_id", "licence_no")


def _apply_branches(plan: dict[str, dict], summary: ImportSummary) -> None:
    now = timezone.now()  # bulk_update() skips auto_now: updated_at is set by hand
    existing = {b.code: b for b in Branch.objects.all()}
    to_create, to_update = [], []
    for code, item in plan.items():
        branch = existing.get(code)
        if branch is None:
            branch = Branch(code=code, path=f"/{code}/", **{f: item[f] for f in BRANCH_FIELDS})
            to_create.append(branch)
            existing[code] = branch
        elif any(getattr(branch, f) != item[f] for f in BRANCH_FIELDS):
            for f in BRANCH_FIELDS:
                setattr(branch, f, item[f])
            branch.updated_at = now
            to_update.append(branch)
    Branch.objects.bulk_create(to_create, batch_size=1000)
    Branch.objects.bulk_update(to_update, [*BRANCH_FIELDS, "updated_at"], batch_size=1000)
    summary.branches_created = len(to_create)

    # Parents, then every path and depth (a move anywhere changes all the paths below it).
    by_id = {b.pk: b for b in existing.values()}
    created_pks = {b.pk for b in to_create}
    moved = set()
    for code, item in plan.items():
        branch = existing[code]
        parent_id = existing[item["parent_code"]].pk if item["parent_code"] else None
        if branch.parent_id != parent_id:
            branch.parent_id = parent_id
            moved.add(branch.pk)
    paths: dict[int, tuple[str, int]] = {}

    def path_of(branch: Branch) -> tuple[str, int]:
        if branch.pk not in paths:
            if branch.parent_id is None:
                paths[branch.pk] = (f"/{branch.code}/", 0)
            else:
                parent_path, parent_depth = path_of(by_id[branch.parent_id])
                paths[branch.pk] = (f"{parent_path}{branch.code}/", parent_depth + 1)
        return paths[branch.pk]

    changed = []
    for branch in by_id.values():
        path, depth = path_of(branch)
        if branch.pk in moved or branch.path != path or branch.depth != depth:
            branch.path, branch.depth, branch.updated_at = path, depth, now
            changed.append(branch)
    Branch.objects.bulk_update(changed, ["parent", "path", "depth", "updated_at"], batch_size=1000)
    # The summary counts the file's rows; descendants moved along with a branch are not among them.
    plan_pks = {existing[code].pk for code in plan}
    updated_pks = {b.pk for b in to_update} | {b.pk for b in changed if b.pk in plan_pks}
    summary.branches_updated = len(updated_pks - created_pks)
    summary.branches_unchanged = len(plan) - summary.branches_created - summary.branches_updated


def _code_new(taken: set[str]) -> str:
    """A link code not in `taken`, which holds every code in the bank (read in this transaction; the
    unique constraint still guards against a concurrent writer). Unlike `staff_code_new` it does not
    ask the database about each code: that was 18,000 queries, most of an 18,000-staff import."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            taken.add(code)
            return code


def _apply_staff(plan: dict[str, dict], summary: ImportSummary) -> None:
    User = get_user_model()
    branch_ids = dict(Branch.objects.values_list("code", "pk"))
    existing = {s.employee_no: s for s in Staff.objects.select_related("user")}
    taken_codes = set(Staff.objects.values_list("code", flat=True))
    new_items, to_update, role_changed, photos = [], [], [], []
    for employee_no, item in plan.items():
        staff = existing.get(employee_no)
        branch_id = branch_ids[item["branch_code"]]
        if staff is None:
            new_items.append((employee_no, item, branch_id))
            continue
        if any(getattr(staff, f) != item[f] for f in STAFF_FIELDS) or staff.branch_id != branch_id:
            if staff.role != item["role"]:
                role_changed.append(staff)
            for f in STAFF_FIELDS:
                setattr(staff, f, item[f])
            staff.branch_id = branch_id
            staff.updated_at = timezone.now()  # bulk_update() skips auto_now
            to_update.append(staff)
        if item["photo"] and not (staff.photo and Path(staff.photo.name).stem.startswith(item["photo"].stem)):
            photos.append((staff, item["photo"]))

    unusable = make_password(None)
    existing_users = {u.username: u for u in User.objects.filter(username__in=[n for n, _, _ in new_items])}
    users = [existing_users.get(n) or User(username=n, password=unusable) for n, _, _ in new_items]
    # A login left without a staff record (e.g. made in /cms/) is taken over: whoever knew its password
    # or held its rights must not keep them. Like any new staff, it gets a one-time password later.
    reused = [u for u in users if u.pk is not None]
    for user in reused:
        user.password, user.is_superuser = unusable, False
    User.objects.bulk_update(reused, ["password", "is_superuser"], batch_size=1000)
    User.objects.bulk_create([u for u in users if u.pk is None], batch_size=1000)
    new_staff = [
        Staff(
            user=user,
            employee_no=employee_no,
            branch_id=branch_id,
            code=_code_new(taken_codes),
            must_change_password=True,
            **{f: item[f] for f in STAFF_FIELDS},
        )
        for user, (employee_no, item, branch_id) in zip(users, new_items, strict=True)
    ]
    Staff.objects.bulk_create(new_staff, batch_size=1000)
    if new_staff:
        org_signals.staff_created.send(sender=Staff, staff_ids=[s.pk for s in new_staff])
    Staff.objects.bulk_update(to_update, [*STAFF_FIELDS, "branch", "updated_at"], batch_size=1000)
    photos += [(s, plan[s.employee_no]["photo"]) for s in new_staff if plan[s.employee_no]["photo"]]

    # Head-office admins reach /cms/; everyone else does not.
    group = head_office_group()
    hq = [s for s in new_staff + role_changed if s.role == Staff.Role.HQ_ADMIN]
    reused_ids = {u.pk for u in reused}
    taken_over = [s for s in new_staff if s.user_id in reused_ids]
    not_hq = [s for s in role_changed + taken_over if s.role != Staff.Role.HQ_ADMIN]
    User.objects.filter(pk__in=[s.user_id for s in hq]).update(is_staff=True)
    User.objects.filter(pk__in=[s.user_id for s in not_hq]).update(is_staff=False)
    group.user_set.add(*[s.user_id for s in hq])
    group.user_set.remove(*[s.user_id for s in not_hq])

    for staff, path in photos:
        staff.photo.save(path.name, ContentFile(path.read_bytes()), save=True)

    # A new photo changes someone whose other details are the same.
    created = {s.pk for s in new_staff}
    updated = {s.pk for s in to_update} | {s.pk for s, _ in photos if s.pk not in created}
    summary.staff_created = len(new_staff)
    summary.staff_updated = len(updated)
    summary.staff_unchanged = len(plan) - len(new_staff) - len(updated)


def org_import(org_file: OrgFile, *, photos_dir: Path | None = None, progress: Progress | None = None) -> ImportResult:
    """Validate the whole file, then apply it in one transaction (or write nothing)."""
    total = org_file.total
    plan, errors = org_import_validate(
        org_file, photos_dir=photos_dir, progress=(lambda n: progress(n, total)) if progress else None
    )
    if errors:
        return ImportResult(errors=errors)
    summary = ImportSummary()
    with transaction.atomic():
        _apply_branches(plan.branches, summary)
        _apply_staff(plan.staff, summary)
        org_signals.organisation_changed.send(sender=Staff)
    if progress:
        progress(total, total)
    return ImportResult(errors=[], summary=summary)
