from django.urls import path

from residents.views import excel, fieldwork, overview, personal, registry, search

app_name = "residents"

urlpatterns = [
    path("overview/", overview.OverviewView.as_view(), name="overview"),
    path("grid-units/", registry.GridUnitListView.as_view(), name="gridunit_list"),
    path("buildings/", registry.BuildingListView.as_view(), name="building_list"),
    path("buildings/add/", registry.BuildingCreateView.as_view(), name="building_add"),
    path("buildings/<int:pk>/", registry.BuildingDetailView.as_view(), name="building_detail"),
    path("buildings/<int:pk>/edit/", registry.BuildingUpdateView.as_view(), name="building_edit"),
    path("households/", registry.HouseholdListView.as_view(), name="household_list"),
    path("households/add/", registry.HouseholdCreateView.as_view(), name="household_add"),
    path("households/search/", search.HouseholdSearchView.as_view(), name="household_search"),
    path("households/<int:pk>/", registry.HouseholdDetailView.as_view(), name="household_detail"),
    path(
        "households/<int:pk>/edit/", registry.HouseholdUpdateView.as_view(), name="household_edit"
    ),
    path("", registry.ResidentListView.as_view(), name="resident_list"),
    path("add/", registry.ResidentCreateView.as_view(), name="resident_add"),
    path("import/", excel.ResidentImportView.as_view(), name="resident_import"),
    path(
        "import/template/",
        excel.ResidentImportTemplateView.as_view(),
        name="resident_import_template",
    ),
    path("export/", excel.ResidentExportView.as_view(), name="resident_export"),
    path("lookup/", personal.ResidentLookupView.as_view(), name="resident_lookup"),
    path("search/", search.ResidentSearchView.as_view(), name="resident_search"),
    path("<int:pk>/", registry.ResidentDetailView.as_view(), name="resident_detail"),
    path("<int:pk>/edit/", registry.ResidentUpdateView.as_view(), name="resident_edit"),
    path("<int:pk>/move-out/", registry.ResidentMoveOutView.as_view(), name="resident_move_out"),
    path("<int:pk>/restore/", registry.ResidentRestoreView.as_view(), name="resident_restore"),
    path("<int:pk>/reveal/", personal.ResidentRevealView.as_view(), name="resident_reveal"),
    path("<int:pk>/call/", personal.ResidentCallView.as_view(), name="resident_call"),
    path("visits/add/", fieldwork.VisitCreateView.as_view(), name="visit_add"),
    path("visits/due/", fieldwork.DueVisitListView.as_view(), name="visit_due"),
    path("visits/<int:pk>/", fieldwork.VisitDetailView.as_view(), name="visit_detail"),
    path("visits/<int:pk>/edit/", fieldwork.VisitUpdateView.as_view(), name="visit_edit"),
    path("field-log/", fieldwork.FieldLogEntryListView.as_view(), name="fieldlogentry_list"),
    path("field-log/add/", fieldwork.FieldLogEntryCreateView.as_view(), name="fieldlogentry_add"),
    path(
        "field-log/<int:pk>/",
        fieldwork.FieldLogEntryDetailView.as_view(),
        name="fieldlogentry_detail",
    ),
    path(
        "field-log/<int:pk>/edit/",
        fieldwork.FieldLogEntryUpdateView.as_view(),
        name="fieldlogentry_edit",
    ),
]
