from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0009_item_media"),
    ]

    operations = [
        migrations.AlterField(
            model_name="adminsetting",
            name="setting_key",
            field=models.CharField(
                choices=[
                    ("refund_percentage", "Refund percentage on cancellation"),
                    ("advance_payment_enabled", "Advance payment allowed (true/false)"),
                    ("advance_payment_type", "Advance payment type (percentage/fixed)"),
                    ("advance_payment_percentage", "Advance payment percentage"),
                    ("advance_payment_fixed_amount", "Advance payment fixed amount"),
                    ("auto_approve_enabled", "Approve paid bookings at once (true/false)"),
                    ("bookings_viewed_at", "Staff saw the bookings made up to (UTC, ISO 8601)"),
                ],
                max_length=100,
                unique=True,
            ),
        ),
    ]
