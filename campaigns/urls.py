from django.urls import path

from campaigns.views import workspace

app_name = "campaigns"

urlpatterns = [
    path("campaigns/", workspace.campaign_list, name="list"),
    path("campaigns/<int:campaign_id>/", workspace.campaign_detail, name="detail"),
    path("campaigns/<int:campaign_id>/export.<str:fmt>", workspace.campaign_export, name="export"),
    path("campaigns/<int:campaign_id>/<str:action>/", workspace.campaign_opt, name="opt"),
]
