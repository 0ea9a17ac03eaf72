from django.urls import path

from storefront.views import builder, qr

app_name = "builder"

urlpatterns = [
    path("", builder.builder_home, name="home"),
    path("add/<str:block_type>/", builder.block_add, name="add"),
    path("block/<str:block_id>/edit/", builder.block_edit, name="edit"),
    path("block/<str:block_id>/move/", builder.block_move, name="move"),
    path("block/<str:block_id>/remove/", builder.block_remove, name="remove"),
    path("publish/", builder.publish, name="publish"),
    path("preview/", builder.preview, name="preview"),
    path("versions/", builder.versions, name="versions"),
    path("versions/<int:revision_id>/restore/", builder.version_restore, name="restore"),
    path("share/", qr.share, name="share"),
]
