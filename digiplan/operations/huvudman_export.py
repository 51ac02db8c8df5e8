"""Everything a huvudman owns, in one ZIP, for a huvudman that leaves or moves to another
installation: each part made by the export the app already offers, so the files are the ones
its strategists know and the import commands read back.

    LASMIG.txt                     what each file is
    manifest.json                  the huvudman, when, the files and what each holds
    organisation/ss12000.json      the tree as SS 12000 /organisations (import_ss12000)
    ramverk/<slug>-v<n>.yaml       every version of its own frameworks (import_framework)
    skattningar/<name>.xlsx        each closed self-assessment's results, as the results page
                                   shows them: suppressed figures stay suppressed, no answers
    planer/<name>.xlsx             every plan
    rapporter/organisationsrapport-<year>.xlsx   the organisation report of each closed year
    register/utrustning.xlsx       devices (import_devices)
    register/digitala-tjanster.xlsx  digital services (import_services)

Open campaigns give nothing: their answers are sealed ballots until closing."""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone
from django.utils.text import slugify

from digiplan.assessments import exports as result_exports
from digiplan.assessments import selectors as results
from digiplan.assessments.models import Campaign, CampaignStatus
from digiplan.frameworks.exchange.exporting import export_framework
from digiplan.frameworks.models import FrameworkVersion
from digiplan.imports.ss12000 import export_organisations
from digiplan.lib.spreadsheet.writing import table_xlsx
from digiplan.organisations.models import Huvudman, Organisation
from digiplan.plans.exports import export_filename, plan_xlsx
from digiplan.plans.models import Plan
from digiplan.registry.devices_rows import TEMPLATE_HEADER
from digiplan.registry.devices_selectors import device_export_rows
from digiplan.registry.digital_exchange import export_xlsx as services_xlsx
from digiplan.reports import exports as report_exports
from digiplan.reports import selectors as reports
from digiplan.reports.registry_section import org_registry_section, org_registry_tables

README = """Digiplan: export av {name} ({number}), gjord {created}.

organisation/ss12000.json      organisationsträdet som SS 12000 /organisations (import_ss12000)
ramverk/                       huvudmannens egna ramverk, varje version som YAML (import_framework)
skattningar/                   resultatet av varje stängd skattning, som resultatsidan visar det:
                               grupper under k är dolda, inga enskilda svar
planer/                        varje digitaliseringsplan (Excel)
rapporter/                     organisationsrapporten för varje år med en stängd skattning (Excel)
register/utrustning.xlsx       utrustning per enhet (import_devices)
register/digitala-tjanster.xlsx  registret över digitala tjänster (import_services)
manifest.json                  filerna och vad de innehåller

Öppna skattningar ingår inte: deras svar är förseglade tills skattningen stängs.
"""


@dataclass(frozen=True)
class Exported:
    path: Path
    files: dict[str, int]  # name → bytes


def huvudman_files(huvudman: Huvudman) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    tree = export_organisations(huvudman)
    files["organisation/ss12000.json"] = json.dumps(tree, ensure_ascii=False, indent=2).encode()
    versions = FrameworkVersion.objects.filter(framework__huvudman=huvudman).select_related("framework")
    for version in versions.order_by("framework__slug", "number"):
        name = f"ramverk/{version.framework.slug}-v{version.number}-{version.status}.yaml"
        files[name] = export_framework(version).encode()
    nodes = Organisation.objects.filter(huvudman=huvudman)
    closed = Campaign.objects.filter(huvudman=huvudman, status=CampaignStatus.CLOSED).order_by(
        "school_year", "pk"
    )
    for campaign in closed:
        found = results.org_results(campaign, results.org_units(campaign, nodes))
        result_tables = results.org_tables(found, labels=result_exports.table_labels())
        name = slugify(f"{campaign.school_year.replace('/', '-')} {campaign.name} {campaign.pk}")
        files[f"skattningar/{name}.xlsx"] = result_exports.results_xlsx(campaign, result_tables)
    for plan in (
        Plan.objects.filter(huvudman=huvudman).select_related("organisation").order_by("school_year", "pk")
    ):
        files[f"planer/{plan.pk}-{export_filename(plan, 'xlsx')}"] = plan_xlsx(plan)
    units = reports.report_units(nodes)
    registry = org_registry_section(huvudman, units)
    for year in sorted(reports.closed_years(huvudman.pk)):
        report = reports.org_report(units, year, huvudman)
        tables = report_exports.org_tables(report) + org_registry_tables(registry)
        name = f"rapporter/organisationsrapport-{year.replace('/', '-')}.xlsx"
        files[name] = report_exports.tables_xlsx(tables, title=huvudman.name)
    rows = device_export_rows(huvudman=huvudman, units=nodes)
    files["register/utrustning.xlsx"] = table_xlsx(TEMPLATE_HEADER, rows, title="utrustning")
    files["register/digitala-tjanster.xlsx"] = services_xlsx(huvudman)
    return files


def huvudman_export(*, huvudman: Huvudman, output: Path | None = None) -> Exported:
    """Writes the ZIP under a temporary name and renames it when whole."""
    created = timezone.now()
    output = Path(output or f"digiplan-{huvudman.organisation_number}-{created:%Y%m%d-%H%M%S}.zip")
    files = huvudman_files(huvudman)
    sizes = {name: len(data) for name, data in sorted(files.items())}
    manifest = {
        "format": 1,
        "huvudman": {"name": huvudman.name, "organisation_number": huvudman.organisation_number},
        "created": created.isoformat(),
        "files": sizes,
    }
    partial = output.with_name(f".{output.name}.partial")
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            text = README.format(
                name=huvudman.name, number=huvudman.organisation_number, created=f"{created:%Y-%m-%d %H:%M}"
            )
            archive.writestr("LASMIG.txt", text)
            archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
            for name, data in sorted(files.items()):
                archive.writestr(name, data)
        partial.replace(output)
    finally:
        partial.unlink(missing_ok=True)
    return Exported(output, sizes)
