"""Seed two demo banks with an organisation and known logins. Idempotent: reruns change nothing."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from appointments.demo import appointments_seed
from campaigns.assist.demo import assist_seed
from campaigns.assist.demo import demo_links as assist_links
from campaigns.demo import campaigns_seed
from campaigns.demo import demo_links as campaign_links
from cms.demo import catalog_seed
from customers.demo import leads_seed, messages_seed
from insights.demo import customers_seed
from org.models import Staff
from org.services.org_import import OrgFile, Row, org_import
from questionnaires.demo import demo_links, questionnaires_seed
from storefront.demo import pages_seed
from tenants.models import Bank
from tenants.services import bank_create, spares_replenish

DEMO_PASSWORD = "yundian-demo"
OPERATOR = "operator"

BANKS = [
    {
        "slug": "gpnsh",
        "name": "赣鄱农商银行",
        "brand": {"primary": "#C8102E", "accent": "#F5A623", "slogan": "服务三农 · 扎根赣鄱", "hotline": "96268"},
        "branches": [
            ("0100", "南昌分行", "HQ", "南昌市东湖区八一大道 368 号", "28.682", "115.893", "0791-86660100"),
            ("0101", "八一广场支行", "0100", "南昌市东湖区八一大道 12 号", "28.676", "115.902", "0791-86660101"),
            ("0102", "红谷滩支行", "0100", "南昌市红谷滩区会展路 999 号", "28.691", "115.857", "0791-86660102"),
            ("0200", "九江分行", "HQ", "九江市浔阳区浔阳路 56 号", "29.716", "115.993", "0792-86660200"),
            ("0201", "庐山支行", "0200", "九江市濂溪区莲花大道 8 号", "29.659", "115.991", "0792-86660201"),
        ],
        "staff": [
            ("hq001", "周敏", "hq_admin", "HQ", "总行渠道部经理", "13907910001", "gp_zhoumin", ""),
            ("nc100", "王强", "branch_head", "0100", "分行行长", "13907910100", "", ""),
            ("nc101", "李娜", "branch_head", "0101", "支行行长", "13907910101", "lina_gp", "F3600101"),
            ("nc102", "陈晓", "manager", "0101", "理财经理", "13907910102", "chenxiao88", "F3600102"),
            ("nc103", "刘洋", "manager", "0101", "客户经理", "13907910103", "", "F3600103"),
            ("nc104", "赵婷", "manager", "0102", "理财经理", "13907910104", "zhaoting_wm", "F3600104"),
            ("jj201", "孙磊", "branch_head", "0201", "支行行长", "13907920201", "", ""),
            ("jj202", "吴芳", "manager", "0201", "客户经理", "13907920202", "wufang_jj", "F3600202"),
        ],
    },
    {
        "slug": "mhcb",
        "name": "明湖城市银行",
        "brand": {"primary": "#0B5CAD", "accent": "#19A979", "slogan": "泉城人自己的银行", "hotline": "96588"},
        "branches": [
            ("A10", "明湖营业部", "HQ", "济南市历下区泉城路 188 号", "36.666", "117.021", "0531-85550010"),
            ("A11", "大明湖支行", "A10", "济南市历下区明湖路 27 号", "36.675", "117.023", "0531-85550011"),
            ("A12", "高新区支行", "A10", "济南市历城区经十路 7000 号", "36.667", "117.133", "0531-85550012"),
        ],
        "staff": [
            ("m0001", "郑洁", "hq_admin", "HQ", "总行零售部", "13605310001", "", ""),
            ("m1101", "钱进", "branch_head", "A11", "支行行长", "13605311101", "", ""),
            ("m1102", "冯雪", "manager", "A11", "客户经理", "13605311102", "fengxue_mh", "S3701102"),
            ("m1201", "何平", "manager", "A12", "理财经理", "13605311201", "heping_mh", "S3701201"),
        ],
    },
]


def _org_file(spec) -> OrgFile:
    branch_keys = ("code", "name", "parent_code", "address", "latitude", "longitude", "phone")
    staff_keys = ("employee_no", "name", "role", "branch_code", "title", "mobile", "wechat_id", "licence_no")
    org_file = OrgFile()
    for line, values in enumerate(spec["branches"], start=2):
        row = dict(zip(branch_keys, values, strict=True), opening_hours="周一至周五 9:00-17:00，周六 9:00-12:00")
        org_file.branches.append(Row("机构", line, row))
    for line, values in enumerate(spec["staff"], start=2):
        org_file.staff.append(Row("员工", line, dict(zip(staff_keys, values, strict=True))))
    return org_file


class Command(BaseCommand):
    help = "Create the demo banks, their organisation and demo logins (idempotent), and print them."

    def add_arguments(self, parser):
        parser.add_argument("--port", default="8000")

    def handle(self, *args, port, **options):
        with schema_context("public"):
            User = get_user_model()
            if not User.objects.filter(username=OPERATOR).exists():
                User.objects.create_superuser(OPERATOR, password=DEMO_PASSWORD)
        suffix = f":{port}" if port not in ("80", "") else ""
        lines = [
            "",
            "Yundian demo",
            f"  platform operator: http://{settings.BASE_DOMAIN}{suffix}/admin/  {OPERATOR} / {DEMO_PASSWORD}",
        ]
        for spec in BANKS:
            bank = Bank.objects.filter(slug=spec["slug"]).first()
            if bank is None:
                bank = bank_create(slug=spec["slug"], name=spec["name"]).bank
            base = f"http://{bank.get_primary_domain().domain}{suffix}"
            with schema_context(bank.schema_name):
                org_import(_org_file(spec))
                catalog_seed(bank_slug=spec["slug"], **spec["brand"])
                pages_seed()
                customers_seed()
                leads_seed()
                messages_seed()
                appointments_seed()
                questionnaires_seed()
                campaigns_seed()
                assist_seed()
                staff = list(Staff.objects.select_related("user", "branch").order_by("branch__path", "employee_no"))
                for member in staff:
                    if member.employee_no == "admin":
                        continue
                    if not member.user.check_password(DEMO_PASSWORD):
                        member.user.set_password(DEMO_PASSWORD)
                        member.user.save(update_fields=["password"])
                    if member.must_change_password:
                        Staff.objects.filter(pk=member.pk).update(must_change_password=False)
                lines += ["", f"{spec['name']}  {base}/", f"  workspace: {base}/workspace/   cms: {base}/cms/"]
                for member in staff:
                    if member.employee_no == "admin":
                        continue
                    lines.append(
                        f"  {member.get_role_display():<6} {member.name:<4} login {member.employee_no:<6} "
                        f"/ {DEMO_PASSWORD}   {base}/s/{member.code}"
                    )
                lines += [f"  questionnaire of {manager.name}: {base}/q/{code}" for manager, code in demo_links()]
                lines += [
                    f"  campaign {title} of {manager.name}: {base}/c/{code}"
                    for manager, title, code in campaign_links()
                ]
                lines += [
                    f"  friend assist in progress (link of {manager.name}): {base}/c/{code}/assist/{token}/"
                    for manager, code, token in assist_links()
                    if token
                ]
        spares_replenish()
        lines += [
            "",
            "Every /s/<code> link also has /s/<code>/qr.png, /s/<code>/qr.svg and /s/<code>/poster.png.",
        ]
        self.stdout.write("\n".join(lines) + "\n")
