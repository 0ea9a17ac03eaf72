from django.urls import path

from org import views

app_name = "org"

urlpatterns = [
    path("", views.workspace, name="workspace"),
    path("profile/", views.profile, name="profile"),
    path("staff/", views.staff_list_view, name="staff_list"),
    path("staff/<int:staff_id>/", views.staff_detail, name="staff_detail"),
    path("staff/passwords/", views.staff_passwords_export, name="staff_passwords_export"),
    path("import/", views.import_upload, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/<int:job_id>/", views.import_job, name="import_job"),
]
