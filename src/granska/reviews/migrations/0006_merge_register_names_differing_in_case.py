# Regions, care providers and specialties become unique whatever their case and spacing (the
# next migration holds it with a unique constraint on the lower-cased name). Before it, each
# name is made one clean line, and rows whose names differ only in case or spacing ("Region
# Österå", "region  österå") are merged onto the one registered first: every reference to the
# others (units, reviews, inspectors' ties, observers' scopes, the reviews' history) is moved to
# it and the others are deleted. Two care providers that both have a unit of the same name
# cannot be merged without merging the units, which are reviewed: the migration then stops and
# says which, for the kansli to rename or merge the units first.

from django.db import migrations

from granska.text import clean_line

REGISTERS = ("Region", "CareProvider", "Specialty")


class UnmergeableUnits(Exception):
    pass


def _references(apps, model):
    """(model, column attribute) of every foreign key to `model`, the history's included."""
    label = model._meta.label_lower
    return [
        (other, field.attname)
        for other in apps.get_models()
        for field in other._meta.concrete_fields
        if field.is_relation and field.remote_field.model._meta.label_lower == label
    ]


def merge_names(apps, schema_editor):
    Unit = apps.get_model("reviews", "Unit")
    for register in REGISTERS:
        model = apps.get_model("reviews", register)
        references = _references(apps, model)
        kept = {}
        for row in model.objects.order_by("pk"):
            name = clean_line(row.name)
            key = name.casefold()
            if key not in kept:
                kept[key] = row
                if row.name != name:
                    model.objects.filter(pk=row.pk).update(name=name)
                continue
            keep = kept[key]
            if register == "CareProvider":
                clash = set(
                    Unit.objects.filter(care_provider=row).values_list("name", flat=True)
                ) & set(Unit.objects.filter(care_provider=keep).values_list("name", flat=True))
                if clash:
                    raise UnmergeableUnits(
                        f"The care providers {keep.name!r} (id {keep.pk}) and {row.name!r} "
                        f"(id {row.pk}) differ only in case or spacing and are to be merged, but "
                        f"both have a unit named {sorted(clash)[0]!r}. Rename or merge those "
                        "units in the admin, then run the migration again."
                    )
            for other, field in references:
                other._base_manager.filter(**{field: row.pk}).update(**{field: keep.pk})
            model.objects.filter(pk=row.pk).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("reviews", "0005_areagrade_adjusted_grade_and_more"),
    ]

    operations = [
        migrations.RunPython(merge_names, migrations.RunPython.noop),
    ]
