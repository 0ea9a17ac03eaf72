from django_tasks import task

from org.services.import_jobs import import_job_run_in_schema


@task(backend="background")
def import_job_run(*, schema_name: str, job_id: int) -> None:
    """Tasks lose the request's bank: the schema travels with the task."""
    import_job_run_in_schema(schema_name=schema_name, job_id=job_id)
