from django.db import models


class UploadKind(models.TextChoices):
    IMAGE = "image", "Image"
    FILE = "file", "File"


class MediaType(models.TextChoices):
    IMAGE = "image", "Image"
    VIDEO = "video", "Video"
