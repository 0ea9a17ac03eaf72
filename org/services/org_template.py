"""The blank organisation workbook head office downloads, fills in and uploads."""

import io

from openpyxl import Workbook

BRANCH_HEADERS = ["机构号", "机构名称", "上级机构号", "地址", "纬度", "经度", "电话", "营业时间"]
STAFF_HEADERS = ["工号", "姓名", "角色", "所属机构号", "职务", "手机号", "微信号", "资格证号"]


NOTES = [
    "填写“机构”和“员工”两张表后上传；本说明页不会被导入。",
    "机构号、工号：1–32 位字母、数字、- 或 _；同一文件内不可重复。",
    "上级机构号：留空表示顶级机构；总行的机构号为 HQ。",
    "角色：客户经理 / 网点负责人 / 总行管理员（或 manager / branch_head / hq_admin），留空为客户经理。",
    "纬度、经度：同时填写或同时留空。手机号：11 位大陆手机号。",
    "整个文件校验通过才会导入；重复导入同一文件不会产生变化；文件中缺少的员工不会被删除。",
]


def org_template_xlsx() -> bytes:
    workbook = Workbook()
    branches = workbook.active
    branches.title = "机构"
    branches.append(BRANCH_HEADERS)
    staff = workbook.create_sheet("员工")
    staff.append(STAFF_HEADERS)
    notes = workbook.create_sheet("说明")
    for line in NOTES:
        notes.append([line])
    for sheet in (branches, staff):
        for column in sheet.columns:
            sheet.column_dimensions[column[0].column_letter].width = 16
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
