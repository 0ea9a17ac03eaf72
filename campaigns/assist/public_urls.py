"""Friend assist under a manager's campaign link: `/c/<code>/assist/` (start) and
`/c/<code>/assist/<chain token>/` (one chain's share page). Included under "c/" beside the
campaigns' own `/c/<code>` landing, which sends friend-assist campaigns here."""

from django.urls import path

from campaigns.assist import views

app_name = "campaigns_assist"

urlpatterns = [
    path("<str:code>/assist/", views.start_page, name="start"),
    path("<str:code>/assist/<str:token>/", views.chain_page, name="chain"),
]
