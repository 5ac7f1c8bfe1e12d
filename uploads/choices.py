from django.db import models


class UploadKind(models.TextChoices):
    IMAGE = "image", "Image"
    FILE = "file", "File"
    VIDEO = "video", "Video"


class MediaType(models.TextChoices):
    IMAGE = "image", "Image"
    VIDEO = "video", "Video"
