"""Believable demo content for a bank's catalog (used by `manage.py demo_seed`). Idempotent."""

from cms.models import Article, BillPaymentService, BrandSettings, Product

PRODUCTS = [
    # category, name, selling points, rate, basis, term, minimum, risk, warning, suits
    (
        "deposit",
        "安心存·三年期定期",
        "利率高于活期\n到期自动转存",
        "2.15%",
        "年化利率",
        "3年",
        "50元起存",
        "",
        "",
        "追求稳定收益的储户",
    ),
    (
        "deposit",
        "大额存单2025第8期",
        "可转让\n提前支取靠档计息",
        "2.35%",
        "年化利率",
        "3年",
        "20万元起",
        "",
        "",
        "大额资金稳健配置",
    ),
    (
        "wealth",
        "稳盈180天固收理财",
        "投资以债券为主\n180天封闭期",
        "3.10%–3.60%",
        "业绩比较基准（年化）",
        "180天",
        "1万元起",
        "R2",
        "理财非存款、产品有风险、投资须谨慎。业绩比较基准不代表产品未来表现和实际收益。",
        "风险评级为稳健型及以上的客户",
    ),
    (
        "wealth",
        "月月享现金管理",
        "T+0快速赎回（限额）\n收益每日结转",
        "2.05%",
        "近七日年化收益率",
        "无固定期限",
        "1元起",
        "R1",
        "理财非存款、产品有风险、投资须谨慎。过往业绩不代表未来表现。",
        "需要流动性的客户",
    ),
    ("loan", "安居贷", "利率低至LPR\n最长30年", "3.05%起", "年化利率（单利）", "最长30年", "", "", "", "本地购房客户"),
    (
        "loan",
        "惠农e贷",
        "线上申请，随借随还",
        "3.65%起",
        "年化利率（单利）",
        "最长3年",
        "",
        "",
        "",
        "种养殖户、个体工商户",
    ),
    ("credit_card", "赣鄱生活信用卡", "首年免年费\n加油9折", "", "", "", "", "", "", "年满18周岁的本地居民"),
]
BILLS = [
    ("水费", "water"),
    ("电费", "electricity"),
    ("燃气费", "gas"),
    ("学费", "tuition"),
    ("社保缴费", "social_insurance"),
    ("话费充值", "phone"),
]
ARTICLES = [
    ("news", "我行推出“惠农e贷”线上申请服务", "足不出户，三分钟完成贷款申请。"),
    ("tip", "定期存款到期后如何安排更划算？", "了解自动转存、大额存单与理财的区别。"),
    ("tip", "警惕电信诈骗：银行工作人员不会索要验证码", "守护好您的钱袋子。"),
]


def catalog_seed(*, bank_slug: str, primary: str, accent: str, slogan: str, hotline: str) -> None:
    brand = BrandSettings.load()
    brand.primary_colour, brand.accent_colour, brand.slogan, brand.hotline = primary, accent, slogan, hotline
    brand.footer_disclosures = "本页面由银行客户经理提供，产品信息以本行官方公布为准。"
    brand.save()
    base = f"https://www.{bank_slug}.example.com"
    for index, row in enumerate(PRODUCTS):
        category, name, points, rate, basis, term, minimum, risk, warning, suits = row
        Product.objects.get_or_create(
            name=name,
            defaults={
                "category": category,
                "selling_points": points,
                "rate_display": rate,
                "rate_basis": basis,
                "term": term,
                "minimum_amount": minimum,
                "risk_level": risk,
                "risk_warning": warning,
                "suitable_for": suits,
                "link_url": f"{base}/products/{index + 1}",
                "live": True,
            },
        )
    for index, (name, category) in enumerate(BILLS):
        BillPaymentService.objects.get_or_create(
            name=name,
            defaults={
                "category": category,
                "payment_url": f"{base}/pay/{category}",
                "sort_order": index,
                "live": True,
            },
        )
    for kind, title, summary in ARTICLES:
        Article.objects.get_or_create(
            title=title, defaults={"kind": kind, "summary": summary, "body": f"<p>{summary}</p>", "live": True}
        )
