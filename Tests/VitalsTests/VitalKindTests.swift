import Testing
import Vitals

@Suite struct VitalKindTests {
    @Test(arguments: [
        (VitalKind.heartRate, "8867-4", "/min"), (.pulseRate, "8889-8", "/min"), (.oxygenSaturation, "59408-5", "%"),
        (.bodyTemperature, "8310-5", "Cel"), (.respiratoryRate, "9279-1", "/min"), (.systolicBloodPressure, "8480-6", "mm[Hg]"),
        (.diastolicBloodPressure, "8462-4", "mm[Hg]"), (.meanBloodPressure, "8478-0", "mm[Hg]"), (.perfusionIndex, "61006-3", "%"),
    ])
    func vitalSignsCarryTheirLOINCCodeAndUCUMUnit(kind: VitalKind, loinc: String, ucum: String) {
        #expect(kind.code.system == "http://loinc.org")
        #expect(kind.code.code == loinc)
        #expect(kind.unit.ucum == ucum)
    }

    @Test func spo2AlsoCarriesTheArterialSaturationCodeFHIRRequires() {
        #expect(VitalKind.oxygenSaturation.additionalCodes.map(\.code) == ["2708-6"])
    }

    @Test func fallAndActivityAreCodedOutsideLOINC() {
        #expect(VitalKind.fallEvent.code == .snomed("1912002", "Fall (event)"))
        #expect(VitalKind.activity.code.system == "urn:silverwatch:code")
        #expect(VitalKind.activity.unit.ucum == "[g]")
    }

    @Test(arguments: [
        (VitalKind.oxygenSaturation, 130.0), (.heartRate, 400), (.heartRate, 0), (.bodyTemperature, 50), (.systolicBloodPressure, 10),
        (.oxygenSaturation, -1), (.respiratoryRate, 120),
    ])
    func impossibleValuesAreArtifacts(kind: VitalKind, value: Double) {
        let r = reading(kind, value, at: 0)
        #expect(!r.isUsable)
        guard case .artifact(.implausible) = r.assessment else {
            Issue.record("expected an implausible artifact, got \(r.assessment)")
            return
        }
    }

    @Test func nonFiniteValuesAreArtifacts() {
        #expect(reading(.heartRate, .nan, at: 0).assessment == .artifact(.notANumber))
        #expect(reading(.heartRate, .infinity, at: 0).assessment == .artifact(.notANumber))
    }

    @Test(arguments: [VitalKind.oxygenSaturation, .heartRate])
    func readingsTheDeviceFlagsUntrustworthyAreArtifacts(kind: VitalKind) {
        #expect(reading(kind, 95, at: 0, flags: .sensorDisplaced).assessment == .artifact(.flaggedByDevice(.sensorDisplaced)))
        #expect(reading(kind, 95, at: 0, flags: [.questionable, .lowPerfusion]).assessment == .artifact(.flaggedByDevice(.questionable)))
        #expect(reading(kind, 95, at: 0, flags: .lowPerfusion).isUsable, "low perfusion alone lowers confidence but is not invalid")
    }

    @Test func plausibleExtremesAreStillUsable() {
        #expect(reading(.oxygenSaturation, 100, at: 0).isUsable)
        #expect(reading(.oxygenSaturation, 70, at: 0).isUsable)
        #expect(reading(.heartRate, 220, at: 0).isUsable)
    }

    @Test func fahrenheitAndKilopascalConvertToCanonicalUnits() throws {
        let fever = try Reading(kind: .bodyTemperature, value: 100.4, unit: .fahrenheit, measuredAt: at(0))
        #expect(abs(fever.value - 38.0) < 1e-9)
        let pressure = try Reading(kind: .systolicBloodPressure, value: 16, unit: .kilopascal, measuredAt: at(0))
        #expect(abs(pressure.value - 120.0099) < 1e-3)
        #expect(abs(try UnitOfMeasure.celsius.convert(37, to: .fahrenheit) - 98.6) < 1e-9)
    }

    @Test func incompatibleUnitsAreRejected() {
        #expect(throws: UnitConversionError.self) {
            try Reading(kind: .heartRate, value: 60, unit: .millimetresOfMercury, measuredAt: at(0))
        }
    }
}
