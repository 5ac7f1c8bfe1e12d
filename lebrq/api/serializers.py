from typing import Any, ClassVar

from django.db import models
from rest_framework import serializers

from lebrq.api.fields import NaiveUtcDateTimeField


class LegacyModelSerializer[M: models.Model](serializers.ModelSerializer[M]):
    """A ModelSerializer whose datetimes default to the legacy's naive UTC timestamps.

    Venue-local times (a booking's start and end...) are declared with
    VenueLocalDateTimeField where a serializer shows them.
    """

    serializer_field_mapping: ClassVar[
        dict[type[models.Field[Any, Any]], type[serializers.Field[Any, Any, Any, Any]]]
    ] = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.DateTimeField: NaiveUtcDateTimeField,
    }
