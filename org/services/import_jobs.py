"""Import jobs: an uploaded organisation file processed in the background, with progress."""

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context

from org.models import ImportJob, Staff
from org.services.org_import import OrgFileError, org_file_read, org_import
from org.services.staff import audit_record

logger = logging.getLogger(__name__)


def import_job_create(*, name: str, content: bytes, uploaded_by: Staff, schema_name: str) -> ImportJob:
    from org.tasks import import_job_run

    job = ImportJob.objects.create(original_name=name[:200], content=content, uploaded_by=uploaded_by)
    audit_record(actor=uploaded_by, action="org.import", target=job, detail={"file": job.original_name})
    # Enqueue only once the job row is committed, or the worker may not see it.
    transaction.on_commit(lambda: import_job_run.enqueue(schema_name=schema_name, job_id=job.pk))
    return job


def import_job_process(*, job_id: int) -> ImportJob:
    """Run one job in the current schema: read, validate (reporting progress), apply or reject."""
    job = ImportJob.objects.get(pk=job_id)
    if job.is_finished:
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)

    def progress(done: int, total: int) -> None:
        # Autocommitted outside the import's transaction, so the page polling the job sees it.
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done, total_rows=total)

    try:
        org_file = org_file_read(name=job.original_name, content=bytes(job.content))
        progress(0, org_file.total)
        result = org_import(org_file, progress=progress)
    except OrgFileError as exc:
        job.status, job.errors = ImportJob.Status.FAILED, [{"sheet": "", "line": 0, "message": str(exc)}]
    except Exception:
        # E.g. a concurrent import of the same people. The import's transaction was rolled back; the
        # job must still finish, or its page polls forever and the staff data stays stored.
        logger.exception("import job %s failed", job.pk)
        message = _("The import stopped on an unexpected error; nothing was imported. Please try again.")
        job.status, job.errors = ImportJob.Status.FAILED, [{"sheet": "", "line": 0, "message": message}]
    else:
        if result.ok:
            job.status, job.summary = ImportJob.Status.DONE, result.summary.as_dict()
        else:
            job.status = ImportJob.Status.FAILED
            job.errors = [{"sheet": e.sheet, "line": e.line, "message": e.message} for e in result.errors]
    job.refresh_from_db(fields=["processed_rows", "total_rows"])
    job.content = b""  # the staff data is not kept once the import is over
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "errors", "summary", "content", "finished_at"])
    return job


def import_job_run_in_schema(*, schema_name: str, job_id: int) -> None:
    with schema_context(schema_name):
        import_job_process(job_id=job_id)
