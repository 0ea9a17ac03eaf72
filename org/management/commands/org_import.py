from pathlib import Path

from django.core.management.base import CommandError
from tqdm import tqdm

from org.services.org_import import OrgFileError, org_file_read, org_import
from tenants.commands import BankCommand


class Command(BankCommand):
    help = "Import branches and staff from CSV or XLSX files into one bank (all rows valid, or nothing)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("files", nargs="+", help=".xlsx (sheets 机构 and 员工) or .csv files")
        parser.add_argument("--photos", help="folder holding the photo files named in the 照片/photo column")

    def handle_bank(self, bank, *, files, photos=None, **options):
        org_file = None
        try:
            for name in files:
                path = Path(name)
                if not path.is_file():
                    raise CommandError(f"{name}: no such file")
                org_file = org_file_read(name=path.name, content=path.read_bytes(), org_file=org_file)
        except OrgFileError as exc:
            raise CommandError(str(exc)) from None
        with tqdm(total=org_file.total, unit="row", disable=options["verbosity"] == 0) as bar:

            def progress(done, total):
                bar.update(done - bar.n)

            result = org_import(org_file, photos_dir=Path(photos) if photos else None, progress=progress)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(result.errors)} problem(s) found; nothing was imported")
        s = result.summary
        self.stdout.write(
            self.style.SUCCESS(
                f"{bank.slug}: branches {s.branches_created} new, {s.branches_updated} updated, "
                f"{s.branches_unchanged} unchanged; staff {s.staff_created} new, {s.staff_updated} updated, "
                f"{s.staff_unchanged} unchanged"
            )
        )
