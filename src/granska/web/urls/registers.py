from django.urls import path

import granska.converters  # noqa: F401 - registers the path converters used below
from granska.web.views import invitations, registers

app_name = "registers"

urlpatterns = [
    path("", registers.index_view, name="index"),
    path("enheter/<id:pk>/", registers.unit_view, name="unit"),
    path(
        "vardgivare/",
        registers.register_list_view,
        {"kind": "care_provider"},
        name="care-providers",
    ),
    path(
        "vardgivare/<id:pk>/",
        registers.register_item_view,
        {"kind": "care_provider"},
        name="care-provider",
    ),
    path("regioner/", registers.register_list_view, {"kind": "region"}, name="regions"),
    path("regioner/<id:pk>/", registers.register_item_view, {"kind": "region"}, name="region"),
    path("specialiteter/", registers.register_list_view, {"kind": "specialty"}, name="specialties"),
    path(
        "specialiteter/<id:pk>/",
        registers.register_item_view,
        {"kind": "specialty"},
        name="specialty",
    ),
    path("inspektorer/", registers.inspector_list_view, name="inspectors"),
    path("inspektorer/<id:pk>/", registers.inspector_view, name="inspector"),
    path(
        "inspektorer/<id:pk>/anknytningar/<id:affiliation_pk>/ta-bort/",
        registers.affiliation_remove_view,
        name="affiliation-remove",
    ),
    path("personer/", invitations.people_view, name="people"),
    path(
        "personer/<id:pk>/ny-inbjudan/",
        invitations.invitation_renew_view,
        name="invitation-renew",
    ),
    path("observatorer/", registers.observer_list_view, name="observers"),
    path("observatorer/<id:pk>/", registers.observer_view, name="observer"),
    path(
        "observatorer/<id:pk>/omfattning/<id:scope_pk>/ta-bort/",
        registers.observer_scope_remove_view,
        name="observer-scope-remove",
    ),
]
