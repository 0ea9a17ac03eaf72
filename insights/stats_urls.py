"""Statistics pages, mounted at /workspace/stats/."""

from django.urls import path

from insights import stats_views as views

app_name = "stats"

urlpatterns = [
    path("", views.my_numbers, name="mine"),
    path("staff/<int:staff_id>/", views.staff_numbers, name="staff"),
    path("staff/<int:staff_id>/export.<str:fmt>", views.staff_numbers_export, name="staff_export"),
    path("team/", views.team, name="team"),
    path("team/export.<str:fmt>", views.staff_board_export, name="team_export"),
    path("branch/<int:branch_id>/", views.branch_numbers, name="branch"),
    path("bank/", views.bank_numbers, name="bank"),
    path("bank/branches/export.<str:fmt>", views.branch_board_export, name="branches_export"),
]
