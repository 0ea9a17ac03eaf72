"""The workspace's import pages: upload, the job's progress and result, the blank template."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.utils.html import escape
from openpyxl import load_workbook

from org.models import AuditLog, Branch, ImportJob, Staff
from org.services.import_jobs import import_job_process
from org.services.org_template import BRANCH_HEADERS, STAFF_HEADERS
from tests.factories import StaffFactory
from tests.org.test_import_service import BRANCHES, STAFF, csv_bytes, db_counts, rows, xlsx_bytes

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def hq_admin(bank):
    return StaffFactory(role=Staff.Role.HQ_ADMIN, branch=Branch.objects.get(code="HQ"), name="总行小王")


@pytest.fixture
def admin_client(bank_client, hq_admin):
    bank_client.force_login(hq_admin.user)
    return bank_client


def upload(client, name: str, content: bytes, **extra):
    return client.post("/workspace/import/", {"file": SimpleUploadedFile(name, content)}, **extra)


def upload_and_run(client, capture, name: str, content: bytes):
    """Upload, then run the job as the worker would once the upload's transaction commits."""
    with capture(execute=True):
        response = upload(client, name, content)
    assert response.status_code == 302, response.content.decode()[:500]
    job = ImportJob.objects.get()
    assert response["Location"] == f"/workspace/import/{job.pk}/"
    return job


# --- Who may import ----------------------------------------------------------------------------------


def test_upload_page_shows_the_form_to_head_office(admin_client):
    response = admin_client.get("/workspace/import/")

    assert response.status_code == 200
    page = response.content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file"' in page
    assert "/workspace/import/template.xlsx" in page


@pytest.mark.parametrize("role", [Staff.Role.MANAGER, Staff.Role.BRANCH_HEAD])
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/workspace/import/"),
        ("post", "/workspace/import/"),
        ("get", "/workspace/import/template.xlsx"),
        ("get", "/workspace/import/{job}/"),
    ],
)
def test_import_pages_are_forbidden_to_managers_and_branch_heads(bank, bank_client, role, method, url):
    job = ImportJob.objects.create(original_name="org.xlsx", content=b"", status=ImportJob.Status.DONE)
    member = StaffFactory(role=role)
    bank_client.force_login(member.user)
    before = db_counts()

    if method == "post":
        response = upload(bank_client, "org.xlsx", xlsx_bytes())
    else:
        response = bank_client.get(url.format(job=job.pk))

    assert response.status_code == 403
    assert ImportJob.objects.count() == 1
    assert db_counts() == before


@pytest.mark.parametrize("url", ["/workspace/import/", "/workspace/import/template.xlsx", "/workspace/import/1/"])
def test_anonymous_visitors_are_sent_to_log_in(bank_client, url):
    response = bank_client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_head_office_admin_who_left_cannot_import(bank_client, hq_admin):
    from org.services.staff import staff_leave

    staff_leave(staff=hq_admin, successor=None, actor=None)
    hq_admin.user.is_active = True  # even with a login that still works
    hq_admin.user.save()
    bank_client.force_login(hq_admin.user)

    assert bank_client.get("/workspace/import/").status_code == 403


# --- Uploading -------------------------------------------------------------------------------------


def test_uploading_a_valid_workbook_imports_it_and_the_job_page_shows_the_summary(
    admin_client, hq_admin, django_capture_on_commit_callbacks
):
    job = upload_and_run(admin_client, django_capture_on_commit_callbacks, "机构与员工.xlsx", xlsx_bytes())

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert job.summary == {
        "branches_created": 3,
        "branches_updated": 0,
        "branches_unchanged": 0,
        "staff_created": 3,
        "staff_updated": 0,
        "staff_unchanged": 0,
    }
    assert job.errors == []
    assert (job.processed_rows, job.total_rows, job.percent) == (6, 6, 100)
    assert bytes(job.content) == b""  # the staff data is not kept
    assert job.finished_at is not None
    assert (job.original_name, job.uploaded_by) == ("机构与员工.xlsx", hq_admin)
    assert Branch.objects.get(code="0101001").path == "/HQ/0101/0101001/"
    assert Staff.objects.get(employee_no="E1001").must_change_password
    assert AuditLog.objects.filter(action="org.import", actor=hq_admin, target_id=str(job.pk)).exists()

    response = admin_client.get(f"/workspace/import/{job.pk}/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" in page
    assert "机构与员工.xlsx" in page
    assert "Branches: 3 new, 0 updated, 0 unchanged" in page
    assert "Staff: 3 new, 0 updated, 0 unchanged" in page
    assert "/workspace/staff/" in page  # on to issuing the new staff their one-time passwords
    assert "hx-trigger" not in page  # a finished job is not polled


def test_uploading_the_same_workbook_again_reports_everything_unchanged(
    admin_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(admin_client, "org.xlsx", xlsx_bytes())
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(admin_client, "org.xlsx", xlsx_bytes())

    job = ImportJob.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))
    assert job.status == ImportJob.Status.DONE
    assert job.summary["branches_unchanged"] == 3
    assert job.summary["staff_unchanged"] == 3
    assert job.summary["staff_created"] == job.summary["staff_updated"] == 0


def test_uploading_a_file_with_bad_rows_fails_lists_every_problem_and_writes_nothing(
    admin_client, django_capture_on_commit_callbacks
):
    branches, people = rows(BRANCHES), rows(STAFF)
    branches[1][2] = "9999"  # 机构 line 3: unknown parent
    people[0][5] = "12345"  # 员工 line 2: bad mobile
    people[2][2] = "柜员"  # 员工 line 4: unknown role
    before = db_counts()

    job = upload_and_run(admin_client, django_capture_on_commit_callbacks, "org.xlsx", xlsx_bytes(branches, people))

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert [(e["sheet"], e["line"]) for e in job.errors] == [("员工", 2), ("员工", 4), ("机构", 3)]
    assert job.summary == {}
    assert bytes(job.content) == b""
    assert job.finished_at is not None
    assert db_counts() == before

    response = admin_client.get(f"/workspace/import/{job.pk}/", HTTP_ACCEPT_LANGUAGE="en")

    page = response.content.decode()
    assert response.status_code == 200
    assert "3 problems were found" in page
    for error in job.errors:
        assert f"<td>{error['sheet']}</td><td>{error['line']}</td><td>{escape(error['message'])}</td>" in page


def test_unreadable_upload_fails_with_the_reason(admin_client, django_capture_on_commit_callbacks):
    job = upload_and_run(admin_client, django_capture_on_commit_callbacks, "org.xlsx", b"not really a workbook")

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert len(job.errors) == 1
    assert job.errors[0]["line"] == 0
    assert bytes(job.content) == b""
    page = admin_client.get(f"/workspace/import/{job.pk}/").content.decode()
    assert escape(job.errors[0]["message"]) in page


def test_unexpected_error_fails_the_job_rolls_back_and_forgets_the_file(
    admin_client, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def clash(plan, summary):  # after the branches were written, as a concurrent import would
        raise IntegrityError('duplicate key value violates unique constraint "org_staff_employee_no_key"')

    monkeypatch.setattr("org.services.org_import._apply_staff", clash)
    before = db_counts()

    job = upload_and_run(admin_client, django_capture_on_commit_callbacks, "org.xlsx", xlsx_bytes())

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.is_finished  # the page stops polling
    assert len(job.errors) == 1
    assert bytes(job.content) == b""
    assert db_counts() == before  # the branches went with the rollback
    assert f"import job {job.pk} failed" in caplog.text
    page = admin_client.get(f"/workspace/import/{job.pk}/").content.decode()
    assert "hx-trigger" not in page
    assert escape(job.errors[0]["message"]) in page


def test_a_finished_job_is_not_run_twice(bank, hq_admin):
    job = ImportJob.objects.create(
        original_name="org.xlsx", content=xlsx_bytes(), status=ImportJob.Status.DONE, summary={"staff_created": 3}
    )
    before = db_counts()

    import_job_process(job_id=job.pk)

    assert db_counts() == before
    job.refresh_from_db()
    assert job.summary == {"staff_created": 3}


def test_uploading_a_gbk_csv_works_too(admin_client, django_capture_on_commit_callbacks):
    content = csv_bytes(BRANCH_HEADERS, BRANCHES, encoding="gbk")

    job = upload_and_run(admin_client, django_capture_on_commit_callbacks, "机构.csv", content)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.errors
    assert job.summary["branches_created"] == 3


@pytest.mark.parametrize("name", ["org.xls", "org.txt", "org.pdf", "org", "org.xlsx.exe"])
def test_upload_that_is_not_csv_or_xlsx_is_refused_with_400_in_chinese(admin_client, name):
    response = upload(admin_client, name, b"whatever")

    assert response.status_code == 400
    assert response["Content-Language"] == "zh-hans"  # the UI's default language
    alert = re.search(r'<div class="error" role="alert">(.*?)</div>', response.content.decode(), re.S)
    assert alert is not None
    assert re.search(r"[\u4e00-\u9fff]", alert.group(1)), alert.group(1)  # said in Chinese
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("name", ["ORG.XLSX", "机构.Csv"])
def test_upload_extension_is_recognised_in_any_case(admin_client, name):
    content = xlsx_bytes() if name.lower().endswith("xlsx") else csv_bytes(BRANCH_HEADERS, BRANCHES)

    response = upload(admin_client, name, content)

    assert response.status_code == 302
    assert ImportJob.objects.get().original_name == name


def test_upload_without_a_file_is_refused(admin_client):
    # As a browser sends the form when no file was chosen: an empty file field.
    response = admin_client.post("/workspace/import/", {"file": ""})

    assert response.status_code == 400
    assert not ImportJob.objects.exists()


def test_upload_larger_than_the_limit_is_refused(admin_client, monkeypatch):
    monkeypatch.setattr("org.forms.MAX_IMPORT_BYTES", 1000)

    response = upload(admin_client, "org.xlsx", xlsx_bytes())

    assert response.status_code == 400
    assert not ImportJob.objects.exists()


def test_upload_page_lists_recent_jobs(admin_client):
    job = ImportJob.objects.create(original_name="上月的文件.xlsx", content=b"", status=ImportJob.Status.DONE)

    page = admin_client.get("/workspace/import/").content.decode()

    assert "上月的文件.xlsx" in page
    assert f"/workspace/import/{job.pk}/" in page


# --- Following a job ------------------------------------------------------------------------------


def test_htmx_request_for_the_job_page_gets_only_the_progress_fragment(admin_client):
    job = ImportJob.objects.create(
        original_name="org.xlsx", content=b"x", status=ImportJob.Status.RUNNING, total_rows=200, processed_rows=50
    )

    response = admin_client.get(f"/workspace/import/{job.pk}/", HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    fragment = response.content.decode().strip()
    assert fragment.startswith('<section id="progress"')
    assert fragment.endswith("</section>")
    assert "<html" not in fragment
    assert "<header" not in fragment
    assert 'value="25"' in fragment
    assert "50 of 200 rows checked" in fragment


def test_unfinished_job_page_polls_itself_for_progress(admin_client):
    job = ImportJob.objects.create(original_name="org.xlsx", content=b"x")

    page = admin_client.get(f"/workspace/import/{job.pk}/").content.decode()

    assert "<html" in page
    assert f'hx-get="/workspace/import/{job.pk}/"' in page
    assert 'hx-trigger="every 1s"' in page


def test_job_page_of_an_unknown_job_is_404(admin_client):
    assert admin_client.get("/workspace/import/999999/").status_code == 404


def test_job_of_another_bank_cannot_be_seen(admin_client, in_other_bank):
    with in_other_bank():
        theirs = ImportJob.objects.create(original_name="别家的文件.xlsx", content=b"secret", status="done")
    ImportJob.objects.filter(pk=theirs.pk).delete()  # in case this bank has a job with the same id

    response = admin_client.get(f"/workspace/import/{theirs.pk}/")

    assert response.status_code == 404
    assert "别家的文件" not in response.content.decode()


# --- The blank template ----------------------------------------------------------------------------


def test_template_download_is_a_workbook_with_branch_and_staff_sheets(admin_client):
    response = admin_client.get("/workspace/import/template.xlsx")

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert "attachment" in response["Content-Disposition"]
    assert ".xlsx" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert {"机构", "员工"} <= set(workbook.sheetnames)
    assert [c.value for c in workbook["机构"][1]] == BRANCH_HEADERS
    assert [c.value for c in workbook["员工"][1]] == STAFF_HEADERS


def test_filled_in_template_imports(admin_client, django_capture_on_commit_callbacks):
    workbook = load_workbook(io.BytesIO(admin_client.get("/workspace/import/template.xlsx").content))
    for row in BRANCHES:
        workbook["机构"].append(row)
    for row in STAFF:
        workbook["员工"].append(row)
    out = io.BytesIO()
    workbook.save(out)

    job = upload_and_run(admin_client, django_capture_on_commit_callbacks, "yundian-org-template.xlsx", out.getvalue())

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.errors
    assert (job.summary["branches_created"], job.summary["staff_created"]) == (3, 3)
