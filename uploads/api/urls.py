from django.urls import include, path
from rest_framework.routers import SimpleRouter

from uploads.api import legacy_uploads, views
from uploads.api.gallery import GalleryViewSet

router = SimpleRouter(trailing_slash=False)
router.register("gallery", GalleryViewSet, basename="gallery")

urlpatterns = [
    path("uploads/image", views.ImageUploadView.as_view(), name="upload-image"),
    path("uploads/files", views.FileUploadView.as_view(), name="upload-files"),
    path("uploads/poster", legacy_uploads.PosterUploadView.as_view(), name="upload-poster"),
    path("uploads/video", legacy_uploads.VideoUploadView.as_view(), name="upload-video"),
    path(
        "uploads/program-images",
        legacy_uploads.ProgramImagesUploadView.as_view(),
        name="upload-program-images",
    ),
    path("uploads/<row_id:pk>", views.UploadFileView.as_view(), name="upload-file"),
    path(
        "uploads/<row_id:pk>/thumbnail",
        views.UploadThumbnailView.as_view(),
        name="upload-thumbnail",
    ),
    path("auth/profile/image", views.ProfileImageView.as_view(), name="auth-profile-image"),
    path("", include(router.urls)),
]
