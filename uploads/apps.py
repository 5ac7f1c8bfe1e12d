import warnings

from django.apps import AppConfig
from django.conf import settings


class UploadsConfig(AppConfig):
    name = "uploads"
    verbose_name = "Uploads and gallery"

    def ready(self) -> None:
        from PIL import Image

        # Pillow's own guard, for every image this process opens. Above the limit Pillow only
        # warns (it raises at twice the limit): make that a refusal too.
        Image.MAX_IMAGE_PIXELS = settings.MAX_IMAGE_PIXELS
        warnings.simplefilter("error", Image.DecompressionBombWarning)
