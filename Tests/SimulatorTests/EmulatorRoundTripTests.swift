import DeviceProtocols
import Foundation
import Simulation
import Testing
import TestSupport

/// The emulators' bytes, read the way the edge agent reads them, decode with DeviceProtocols' decoders into exactly
/// the values the scenario produced.
@Suite struct EmulatorRoundTripTests {
    @Test func serialOximeterFramesDecodeFromThePseudoTerminalOpenedRaw() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let simulator = try PatientSimulator(scenario: Scenario(.stable, seed: 3, devices: [.serialOximeter]),
                                             directory: directory.path)
        let endpoint = try #require(simulator.endpoints.first)
        #expect(endpoint.path == directory.file("serial-oximeter.pty"))
        #expect(endpoint.terminal?.hasPrefix("/dev/pts/") == true)

        // Given the agent's port opened on the link in the devices directory
        let port = try SerialClient(path: endpoint.path)
        // When two seconds of frames are sent
        simulator.advance(to: .seconds(2))
        let (bytes, hungUp) = try await port.read(count: 121 * 5, waitingUpTo: .seconds(2))

        // Then they are 121 whole frames (60 a second, from time zero), equal to the scenario's
        #expect(!hungUp)
        var decoder = CMS50LiveStreamDecoder()
        var samples = decoder.feed(bytes)
        if let last = decoder.finish() { samples.append(last) }
        #expect(decoder.discardedByteCount == 0)
        var twin = Scenario(.stable, seed: 3, devices: [.serialOximeter])
        let expected = twin.advance(to: .seconds(2)).map { message -> CMS50LiveSample? in
            if case .cms50(let sample) = message.payload { return sample }
            return nil
        }
        #expect(samples == expected.compactMap { $0 })
        #expect(samples.count == 121)
        #expect(samples.allSatisfy { $0.oxygenSaturation != nil && $0.pulseRate != nil && !$0.probeError })
    }

    @Test func everyGATTSocketDeliversOneDecodableValuePerPacket() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let gatt = Set(SimulatedDevice.allCases.filter { $0.transport == .notificationSocket })
        let simulator = try PatientSimulator(scenario: Scenario(.stable, seed: 5, speed: 60, devices: gatt),
                                             directory: directory.path)
        var clients: [SimulatedDevice: NotificationClient] = [:]
        for endpoint in simulator.endpoints {
            #expect(endpoint.path == directory.file(endpoint.device.rawValue + ".sock"))
            clients[endpoint.device] = try NotificationClient(path: endpoint.path)
        }

        simulator.advance(to: .seconds(3))

        var twin = Scenario(.stable, seed: 5, speed: 60, devices: gatt)
        let expected = twin.advance(to: .seconds(3))
        for device in gatt.sorted() {
            let packets = try await #require(clients[device]).receive(waitingUpTo: .seconds(1))
            let sent = expected.filter { $0.device == device }.map(\.payload)
            #expect(packets.count == sent.count, "\(device)")
            #expect(!packets.isEmpty, "\(device)")
            for (packet, payload) in zip(packets, sent) {
                let decoded: DeviceMessage.Payload = switch device {
                case .bleOximeter: .plxContinuous(try PLXContinuousMeasurement(decoding: packet))
                case .heartRate: .heartRate(try HeartRateMeasurement(decoding: packet))
                case .accelerometer: .accelerometer(try AccelerometerPacket(decoding: packet, fullScale: .g8))
                case .strapBattery: .battery(try BatteryLevel(decoding: packet))
                case .thermometer: .temperature(try TemperatureMeasurement(decoding: packet))
                case .bloodPressure: .bloodPressure(try BloodPressureMeasurement(decoding: packet))
                case .serialOximeter: .powerOff
                }
                #expect(decoded == payload, "\(device)")
            }
        }
    }

    @Test func heartRatePacketsCarryRRIntervalsAndSkinContact() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let simulator = try PatientSimulator(scenario: Scenario(.stable, seed: 9, devices: [.heartRate]),
                                             directory: directory.path)
        let client = try NotificationClient(path: directory.file("heart-rate.sock"))

        simulator.advance(to: .seconds(10))

        let values = try client.receiveAvailable().packets.map { try HeartRateMeasurement(decoding: $0) }
        #expect(values.count == 11)
        #expect(values.allSatisfy { $0.sensorContact == .detected && (50...110).contains($0.heartRate) })
        let intervals = values.flatMap(\.rrIntervalSeconds)
        #expect((8...16).contains(intervals.count))
        #expect(intervals.allSatisfy { (0.5...1.3).contains($0) })
    }

    @Test func aSocketAcceptsTheNextClientAfterOneDisconnects() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let simulator = try PatientSimulator(scenario: Scenario(.stable, devices: [.bleOximeter]),
                                             directory: directory.path)
        let path = directory.file("ble-oximeter.sock")
        let first = try NotificationClient(path: path)
        simulator.advance(to: .seconds(1))
        #expect(first.receiveAvailable().packets.count == 2)

        // A second client waits while the first is connected, and is served once the first has gone.
        let second = try NotificationClient(path: path)
        simulator.advance(to: .seconds(2))
        #expect(second.receiveAvailable().packets.isEmpty)
        first.disconnect()
        simulator.advance(to: .seconds(3))
        let packets = second.receiveAvailable().packets
        #expect(packets.count == 1)
        #expect(throws: Never.self) { try PLXContinuousMeasurement(decoding: packets[0]) }

        // And a client connecting later still is served after the second leaves.
        second.disconnect()
        simulator.advance(to: .seconds(4))
        let third = try NotificationClient(path: path)
        simulator.advance(to: .seconds(5))
        #expect(third.receiveAvailable().packets.count == 1)
    }

    @Test func poweredOffOximetersCloseTheirConnectionsWhileOthersGoOn() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // At speed 60 the oximeters switch off at 2 min of scenario time, 2 s of wall time.
        let simulator = try PatientSimulator(
            scenario: Scenario(.poweredOff, speed: 60, devices: [.serialOximeter, .bleOximeter, .heartRate]),
            directory: directory.path)
        let port = try SerialClient(path: directory.file("serial-oximeter.pty"))
        let oximeter = try NotificationClient(path: directory.file("ble-oximeter.sock"))
        let strap = try NotificationClient(path: directory.file("heart-rate.sock"))

        simulator.advance(to: .seconds(1.5))
        #expect(try await port.read(count: 5 * 60, waitingUpTo: .seconds(1)).bytes.count >= 5 * 60)
        let before = oximeter.receiveAvailable()
        #expect(before.packets.count == 2 && !before.closed)

        simulator.advance(to: .seconds(3))
        let serial = try await port.read(count: .max, waitingUpTo: .seconds(1))
        #expect(serial.hungUp)
        #expect(oximeter.receiveAvailable().closed)
        #expect(!FileManager.default.fileExists(atPath: directory.file("ble-oximeter.sock")))
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: directory.file("serial-oximeter.pty"))) == nil)

        let heart = strap.receiveAvailable()
        #expect(!heart.closed)
        #expect(heart.packets.count == 4)
        #expect(FileManager.default.fileExists(atPath: directory.file("heart-rate.sock")))
    }

    @Test func runSendsOnTheRealClockAndCleansUpWhenCancelled() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.file("accelerometer.sock")
        let scenario = Scenario(.stable, devices: [.accelerometer])
        let run = Task {
            let simulator = try PatientSimulator(scenario: scenario, directory: directory.path)
            await simulator.run()
        }
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(2)
        while !FileManager.default.fileExists(atPath: path), clock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        let client = try NotificationClient(path: path)

        let packets = try await client.receive(waitingUpTo: .seconds(2))
        run.cancel()
        try await run.value

        let packet = try AccelerometerPacket(decoding: try #require(packets.first), fullScale: .g8)
        #expect(packet.samples.count == Scenario.accelerometerPacketSize)
        #expect(client.receiveAvailable().closed)
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func aStaleSocketFileIsReplacedButNothingElseIsOverwritten() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // Given a socket file left behind by a simulator that crashed
        try leaveStaleSocket(at: directory.file("thermometer.sock"))
        // Then a new simulator takes its place and serves it
        let simulator = try PatientSimulator(scenario: Scenario(.stable, devices: [.thermometer]), directory: directory.path)
        let client = try NotificationClient(path: directory.file("thermometer.sock"))
        simulator.advance(to: .zero)
        #expect(client.receiveAvailable().packets.count == 1)

        // But a file that is not a socket is left alone, and the simulator refuses to start
        try "notes".write(toFile: directory.file("heart-rate.sock"), atomically: false, encoding: .utf8)
        #expect(throws: EmulatorError.self) {
            _ = try PatientSimulator(scenario: Scenario(.stable, devices: [.heartRate]), directory: directory.path)
        }
        #expect(try String(contentsOfFile: directory.file("heart-rate.sock"), encoding: .utf8) == "notes")
    }

    @Test func aSecondSimulatorRefusesToTakeOverALiveSocket() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let running = try PatientSimulator(scenario: Scenario(.stable, devices: [.heartRate]), directory: directory.path)

        #expect(throws: EmulatorError.self) {
            _ = try PatientSimulator(scenario: Scenario(.stable, devices: [.heartRate]), directory: directory.path)
        }

        // The first one still serves its socket.
        let client = try NotificationClient(path: directory.file("heart-rate.sock"))
        running.advance(to: .zero)
        running.advance(to: .seconds(1))
        #expect(client.receiveAvailable().packets.count == 1)
    }
}

/// Binds a socket at `path` and closes it without removing the file, as a process that crashed leaves it.
private func leaveStaleSocket(at path: String) throws {
    close(try packetSocket(boundAt: path, listening: nil))
}
