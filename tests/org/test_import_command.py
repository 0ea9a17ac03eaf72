"""`manage.py org_import --bank <slug> FILE [FILE...] [--photos DIR]`: the operators' import."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from PIL import Image

from org.models import Branch, Staff
from org.services.org_template import BRANCH_HEADERS, STAFF_HEADERS
from tests.org.test_import_service import BRANCHES, STAFF, csv_bytes, db_counts, rows, xlsx_bytes


@pytest.fixture(autouse=True)
def english():
    """Problems are asserted on in English, whatever catalogues the project has."""
    with translation.override("en"):
        yield


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # django-tenants caches its media path and forgets it only when this setting changes.
    settings.MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
    return tmp_path / "media"


def run(*args, bank="testbank"):
    """Run the command; returns (stdout, stderr), or raises CommandError with stderr attached."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("org_import", "--bank", bank, *map(str, args), stdout=out, stderr=err, verbosity=0)
    except CommandError as exc:
        exc.stderr = err.getvalue()
        raise
    return out.getvalue(), err.getvalue()


def write(path, content: bytes):
    path.write_bytes(content)
    return path


def png(path, colour="red"):
    Image.new("RGB", (8, 8), colour).save(path, format="PNG")
    return path


def staff_with_photos(photos: dict[str, str]):
    """The staff table with a 照片 column, filled in for the given employee numbers."""
    return [[*row, photos.get(row[0], "")] for row in rows(STAFF)]


def photo_workbook(photos: dict[str, str]) -> bytes:
    return xlsx_bytes(BRANCHES, staff_with_photos(photos), staff_headers=[*STAFF_HEADERS, "照片"])


# --- Importing -------------------------------------------------------------------------------------


def test_command_imports_a_workbook_and_prints_the_summary(bank, tmp_path):
    path = write(tmp_path / "org.xlsx", xlsx_bytes())

    out, _ = run(path)

    assert "testbank: branches 3 new, 0 updated, 0 unchanged; staff 3 new, 0 updated, 0 unchanged" in out
    assert Branch.objects.get(code="0101001").path == "/HQ/0101/0101001/"
    assert Staff.objects.get(employee_no="E1003").role == Staff.Role.HQ_ADMIN


def test_command_reimporting_the_same_file_reports_everything_unchanged(bank, tmp_path):
    path = write(tmp_path / "org.xlsx", xlsx_bytes())
    run(path)
    codes = dict(Staff.objects.values_list("employee_no", "code"))

    out, _ = run(path)

    assert "branches 0 new, 0 updated, 3 unchanged; staff 0 new, 0 updated, 3 unchanged" in out
    assert dict(Staff.objects.values_list("employee_no", "code")) == codes


def test_command_reads_branch_and_staff_csvs_together(bank, tmp_path):
    branches = write(tmp_path / "机构.csv", csv_bytes(BRANCH_HEADERS, BRANCHES, encoding="gbk"))
    people = write(tmp_path / "员工.csv", csv_bytes(STAFF_HEADERS, STAFF, encoding="utf-8-sig"))

    # Staff first: their branches are in the other file, and the whole set is validated together.
    out, _ = run(people, branches)

    assert "branches 3 new" in out
    assert "staff 3 new" in out
    assert Staff.objects.get(employee_no="E1001").branch.code == "0101001"


def test_command_works_from_the_public_schema_too(bank, tmp_path):
    from django.db import connection

    path = write(tmp_path / "org.xlsx", xlsx_bytes())
    connection.set_schema_to_public()

    out, _ = run(path)

    connection.set_tenant(bank)
    assert "staff 3 new" in out
    assert Staff.objects.filter(employee_no__in=["E1001", "E1002", "E1003"]).count() == 3


def test_command_imports_only_into_the_bank_it_is_given(bank, other_bank, in_other_bank, tmp_path):
    path = write(tmp_path / "org.xlsx", xlsx_bytes())

    run(path, bank=other_bank.slug)

    assert not Staff.objects.filter(employee_no="E1001").exists()
    with in_other_bank():
        assert Staff.objects.filter(employee_no="E1001").exists()


# --- Refusing --------------------------------------------------------------------------------------


def test_command_with_bad_rows_prints_every_problem_and_imports_nothing(bank, tmp_path):
    branches, people = rows(BRANCHES), rows(STAFF)
    branches[0][5] = ""  # 机构 line 2: latitude without longitude
    people[1][3] = "9999"  # 员工 line 3: unknown branch
    people[2][0] = "E1001"  # 员工 line 4: employee number twice
    path = write(tmp_path / "org.xlsx", xlsx_bytes(branches, people))
    before = db_counts()

    with pytest.raises(CommandError, match="3 problem"):
        run(path)

    assert db_counts() == before


def test_command_prints_each_problem_with_sheet_and_line(bank, tmp_path):
    branches, people = rows(BRANCHES), rows(STAFF)
    branches[0][5] = ""
    people[1][3] = "9999"
    people[2][0] = "E1001"
    path = write(tmp_path / "org.xlsx", xlsx_bytes(branches, people))

    with pytest.raises(CommandError) as raised:
        run(path)

    printed = raised.value.stderr.splitlines()
    assert "机构 line 2: give both latitude and longitude, or neither." in printed
    assert "员工 line 3: branch 9999 does not exist." in printed
    assert "员工 line 4: employee number E1001 appears more than once in the file." in printed
    assert "nothing was imported" in str(raised.value)


def test_command_refuses_an_unknown_bank(bank, tmp_path):
    path = write(tmp_path / "org.xlsx", xlsx_bytes())

    with pytest.raises(CommandError, match="no bank with slug 'nobank'"):
        run(path, bank="nobank")


def test_command_refuses_a_missing_file(bank, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run(tmp_path / "missing.xlsx")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("org.txt", b"hello", "Upload a .csv or .xlsx file"),
        ("org.xlsx", b"not a zip", "cannot be opened"),
        ("org.csv", b"", "holds no branch or staff rows"),
    ],
)
def test_command_refuses_an_unreadable_file(bank, tmp_path, name, content, message):
    before = db_counts()

    with pytest.raises(CommandError, match=message):
        run(write(tmp_path / name, content))

    assert db_counts() == before


# --- Photos ----------------------------------------------------------------------------------------


def test_command_imports_photos_from_the_photos_folder(bank, tmp_path, media_root):
    photos = tmp_path / "photos"
    photos.mkdir()
    png(photos / "zhangsan.png")
    (photos / "lisi").mkdir()
    png(photos / "lisi" / "李四.png", colour="blue")
    path = write(tmp_path / "org.xlsx", photo_workbook({"E1001": "zhangsan.png", "E1002": "lisi/李四.png"}))

    out, _ = run(path, "--photos", photos)

    assert "staff 3 new" in out
    zhang = Staff.objects.get(employee_no="E1001")
    assert zhang.photo.name.startswith("staff/zhangsan")
    stored = media_root / "testbank" / zhang.photo.name
    assert stored.is_file()
    assert stored.read_bytes() == (photos / "zhangsan.png").read_bytes()
    assert Image.open(stored).size == (8, 8)
    assert Staff.objects.get(employee_no="E1002").photo.name.startswith("staff/李四")
    assert not Staff.objects.get(employee_no="E1003").photo


def test_command_reimporting_photos_does_not_store_them_again(bank, tmp_path, media_root):
    photos = tmp_path / "photos"
    photos.mkdir()
    png(photos / "zhangsan.png")
    path = write(tmp_path / "org.xlsx", photo_workbook({"E1001": "zhangsan.png"}))
    run(path, "--photos", photos)
    first = Staff.objects.get(employee_no="E1001").photo.name

    out, _ = run(path, "--photos", photos)

    assert "staff 0 new, 0 updated, 3 unchanged" in out
    assert Staff.objects.get(employee_no="E1001").photo.name == first
    assert len(list((media_root / "testbank" / "staff").iterdir())) == 1


def test_command_gives_an_existing_person_a_photo(bank, tmp_path, media_root):
    run(write(tmp_path / "plain.xlsx", xlsx_bytes()))
    photos = tmp_path / "photos"
    photos.mkdir()
    png(photos / "wangwu.png")

    out, _ = run(write(tmp_path / "org.xlsx", photo_workbook({"E1003": "wangwu.png"})), "--photos", photos)

    assert Staff.objects.get(employee_no="E1003").photo.name.startswith("staff/wangwu")
    assert "staff 0 new, 1 updated, 2 unchanged" in out  # a new photo is a change


def _outside_photo(tmp_path, photos):
    """A real picture just outside the photos folder, and three ways of pointing at it."""
    png(tmp_path / "x.png")
    (photos / "link.png").symlink_to(tmp_path / "x.png")
    return ["../x.png", str(tmp_path / "x.png"), "link.png"]


@pytest.mark.parametrize("way", [0, 1, 2], ids=["dot-dot", "absolute-path", "symlink"])
def test_command_refuses_a_photo_outside_the_photos_folder(bank, tmp_path, media_root, way):
    photos = tmp_path / "photos"
    photos.mkdir()
    name = _outside_photo(tmp_path, photos)[way]
    path = write(tmp_path / "org.xlsx", photo_workbook({"E1001": name}))
    before = db_counts()

    with pytest.raises(CommandError) as raised:
        run(path, "--photos", photos)

    assert f"员工 line 2: photo {name} was not found." in raised.value.stderr.splitlines()
    assert db_counts() == before
    assert not (media_root / "testbank" / "staff").exists()


def test_command_refuses_a_missing_photo(bank, tmp_path):
    photos = tmp_path / "photos"
    photos.mkdir()
    path = write(tmp_path / "org.xlsx", photo_workbook({"E1002": "nobody.png"}))

    with pytest.raises(CommandError) as raised:
        run(path, "--photos", photos)

    assert "员工 line 3: photo nobody.png was not found." in raised.value.stderr.splitlines()


@pytest.mark.parametrize("name", ["notes.txt", "photo.gif", "big.png"])
def test_command_refuses_photos_of_other_types_or_too_big(bank, tmp_path, name, monkeypatch):
    monkeypatch.setattr("org.services.org_import.MAX_PHOTO_BYTES", 1000)
    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / name).write_bytes(b"x" * 2000 if name == "big.png" else b"GIF89a")
    path = write(tmp_path / "org.xlsx", photo_workbook({"E1001": name}))
    before = db_counts()

    with pytest.raises(CommandError) as raised:
        run(path, "--photos", photos)

    assert f"员工 line 2: photo {name} must be a JPEG, PNG or WebP of at most 5 MB." in raised.value.stderr
    assert db_counts() == before
