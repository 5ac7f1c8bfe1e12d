"""The site's editable pages: About, FAQ, privacy policy, terms of service, refund policy...

Two stores, as the legacy had them (tables content_pages and page_content):

- ContentPage is what the public pages read (GET /content-pages/{page_name}) and what the
  admin's "Content Pages" screens edit; a page can be a draft (not published).
- PageContent is the older slug + body_html store of the legacy's admin/content.tsx screen
  (GET /content/{slug}, PUT /admin/content/{slug}). Nothing public reads it but that screen,
  so its edits never reach the public pages, as in the legacy.

Sizes are bounded (docs: the constants below): a body of more than BODY_MAX_CHARS
characters is refused with a 400 by the API and a form error by the admin.
"""

from django.core.validators import MaxLengthValidator
from django.db import models

# The most characters a page's HTML may have: room for a long policy written in a rich-text
# editor (which adds markup) while bounding what a request, a row and a response can cost.
BODY_MAX_CHARS = 200_000
META_DESCRIPTION_MAX_CHARS = 1_000
PAGE_NAME_MAX_LENGTH = 50
PAGE_TITLE_MAX_LENGTH = 200
SLUG_MAX_LENGTH = 120
SLUG_TITLE_MAX_LENGTH = 255


class ContentPage(models.Model):
    """A public page of the site, edited by staff; only published pages are shown."""

    page_name = models.SlugField(
        max_length=PAGE_NAME_MAX_LENGTH,
        unique=True,
        help_text="The page's address: about, faq, privacy-policy, terms-of-service...",
    )
    # Blank is allowed, as the legacy allowed it: the public screens then show their own title.
    title = models.CharField(max_length=PAGE_TITLE_MAX_LENGTH, blank=True)
    content = models.TextField(
        blank=True,
        validators=[MaxLengthValidator(BODY_MAX_CHARS)],
        help_text=f"HTML, at most {BODY_MAX_CHARS:,} characters.",
    )
    meta_description = models.TextField(
        blank=True,
        default="",
        validators=[MaxLengthValidator(META_DESCRIPTION_MAX_CHARS)],
        help_text="The description search engines show.",
    )
    is_published = models.BooleanField(
        default=True, help_text="Unpublished pages are not shown to the public (404)."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "content_pages"
        ordering = ["page_name"]

    def __str__(self) -> str:
        return self.page_name


class PageContent(models.Model):
    """A block of HTML by slug, from the legacy's older content screen (admin/content.tsx)."""

    slug = models.SlugField(max_length=SLUG_MAX_LENGTH, unique=True)
    title = models.CharField(max_length=SLUG_TITLE_MAX_LENGTH, blank=True, default="")
    body_html = models.TextField(
        blank=True,
        default="",
        validators=[MaxLengthValidator(BODY_MAX_CHARS)],
        help_text=f"HTML, at most {BODY_MAX_CHARS:,} characters.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "page_content"
        ordering = ["slug"]
        verbose_name = "page content (older content screen)"
        verbose_name_plural = "page content (older content screen)"

    def __str__(self) -> str:
        return self.slug
