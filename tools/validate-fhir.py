#!/usr/bin/env python3
"""Validates FHIR R4 Bundles of vital signs, as the hub exports them, with an independent model of FHIR R4.

Each file named on the command line is parsed by fhir.resources (6.5, FHIR 4.0.1: every element's type,
cardinality and required fields), then checked against what the FHIR vital-signs profile requires of each
Observation: status, the vital-signs category, LOINC codes with UCUM units, blood pressure as a panel (85354-9)
with systolic (8480-6) and diastolic (8462-4) components, SpO2 with 2708-6 beside 59408-5, heart rate 8867-4; and
that every reference resolves inside the Bundle. Prints each problem and exits 1 when there is any.

Usage: validate-fhir.py BUNDLE.json [...]
"""
import json
import sys

from fhir.resources.bundle import Bundle

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
UNITS = {"8867-4": "/min", "8889-8": "/min", "9279-1": "/min", "8310-5": "Cel", "59408-5": "%", "2708-6": "%",
         "8480-6": "mm[Hg]", "8462-4": "mm[Hg]", "8478-0": "mm[Hg]"}


def problems(document):
    found = []
    try:
        bundle = Bundle.parse_obj(document)
    except Exception as error:  # the model's own validation message names the element
        return [f"not a valid FHIR R4 Bundle: {error}"]
    if bundle.type != "collection":
        found.append(f"Bundle.type is {bundle.type}, expected collection")
    urls = {entry.fullUrl for entry in bundle.entry or []}
    patients = [e for e in bundle.entry or [] if e.resource.resource_type == "Patient"]
    if len(patients) != 1:
        found.append(f"{len(patients)} Patient resources, expected 1")
    for entry in bundle.entry or []:
        resource = entry.resource
        where = f"{resource.resource_type}/{resource.id}"
        if resource.resource_type == "Device" and resource.patient and resource.patient.reference not in urls:
            found.append(f"{where}: patient reference {resource.patient.reference} does not resolve")
        if resource.resource_type != "Observation":
            continue
        if resource.status != "final":
            found.append(f"{where}: status {resource.status}")
        categories = [c.code for cat in resource.category or [] for c in cat.coding or []]
        if "vital-signs" not in categories:
            found.append(f"{where}: no vital-signs category")
        codes = {c.code for c in resource.code.coding or [] if c.system == LOINC}
        if not codes:
            found.append(f"{where}: no LOINC code")
        for reference in [resource.subject, resource.device]:
            if reference is not None and reference.reference not in urls:
                found.append(f"{where}: reference {reference.reference} does not resolve")
        if resource.subject is None:
            found.append(f"{where}: no subject")
        if codes & {"8480-6", "8462-4"}:
            found.append(f"{where}: a blood pressure outside a panel (85354-9)")
        if "59408-5" in codes and "2708-6" not in codes:
            found.append(f"{where}: SpO2 without 2708-6")
        if codes & {"8889-8"} and "8867-4" not in codes:
            found.append(f"{where}: pulse rate without the heart-rate code 8867-4")
        if "85354-9" in codes:
            components = {c.code.coding[0].code: c for c in resource.component or []}
            if not components or not set(components) <= {"8480-6", "8462-4"}:
                found.append(f"{where}: panel components {sorted(components)}")
            quantities = [(code, c.valueQuantity) for code, c in components.items()]
        else:
            quantities = [(code, resource.valueQuantity) for code in codes & set(UNITS)]
            if resource.valueQuantity is None:
                found.append(f"{where}: no valueQuantity")
        for code, quantity in quantities:
            if quantity is None or quantity.system != UCUM or quantity.code != UNITS.get(code):
                found.append(f"{where}: {code} in {quantity.code if quantity else None}, expected UCUM {UNITS.get(code)}")
    return found


def main(paths):
    failed = False
    for path in paths:
        with open(path) as handle:
            for problem in problems(json.load(handle)):
                print(f"{path}: {problem}")
                failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
