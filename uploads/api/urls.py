from django.urls import include, path
from rest_framework.routers import SimpleRouter

from uploads.api.gallery import GalleryViewSet

router = SimpleRouter(trailing_slash=False)
router.register("gallery", GalleryViewSet, basename="gallery")

urlpatterns = [path("", include(router.urls))]
