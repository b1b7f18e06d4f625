# The grade after an accepted action plan, and each unit's calendar token. The token is unique,
# so existing units get one each before the field becomes unique.

import secrets

import granska.reviews.models
from django.db import migrations, models


def give_each_unit_a_token(apps, schema_editor):
    Unit = apps.get_model("reviews", "Unit")
    for unit in Unit.objects.filter(calendar_token__isnull=True):
        unit.calendar_token = secrets.token_urlsafe(32)
        unit.save(update_fields=["calendar_token"])


class Migration(migrations.Migration):

    dependencies = [
        ('reviews', '0004_review_publish_report'),
    ]

    operations = [
        migrations.AddField(
            model_name='areagrade',
            name='adjusted_grade',
            field=models.CharField(blank=True, choices=[('A', 'A'), ('B', 'B'), ('C', 'C'), ('D', 'D')], max_length=1, verbose_name='grade after the action plan'),
        ),
        migrations.AddField(
            model_name='historicalareagrade',
            name='adjusted_grade',
            field=models.CharField(blank=True, choices=[('A', 'A'), ('B', 'B'), ('C', 'C'), ('D', 'D')], max_length=1, verbose_name='grade after the action plan'),
        ),
        migrations.AddField(
            model_name='unit',
            name='calendar_token',
            field=models.CharField(max_length=64, null=True, verbose_name='calendar token'),
        ),
        migrations.RunPython(give_each_unit_a_token, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='unit',
            name='calendar_token',
            field=models.CharField(default=granska.reviews.models.calendar_token_new, max_length=64, unique=True, verbose_name='calendar token'),
        ),
    ]
