@testable import EdgeAgent
import Testing

/// The sender's wake-up: prompt on a signal, otherwise a real wait. Upper bounds are generous (minutes against an
/// hour's limit): the test runner's few threads may be busy with CPU-heavy tests of other targets. A wait that returns early without a signal
/// turns the agent's sender into a busy loop (it once did: a cancelled timer signalled the next wait).
@Suite struct WakeupTests {
    @Test func aWaitWithoutASignalLastsItsLimit() async {
        let wake = Wakeup()
        let clock = ContinuousClock()
        // Several rounds: each one's leftovers (its timer, cancelled or not) must not cut the next one short.
        for round in 0..<3 {
            let elapsed = await clock.measure { await wake.wait(upTo: .milliseconds(200)) }
            #expect(elapsed >= .milliseconds(190), "round \(round) returned after \(elapsed)")
        }
    }

    @Test func aSignalledWaitDoesNotShortenTheNextOne() async {
        let wake = Wakeup()
        let clock = ContinuousClock()
        for round in 0..<3 {
            wake.signal()
            let signalled = await clock.measure { await wake.wait(upTo: .seconds(3600)) }
            #expect(signalled < .seconds(120), "a signal given before the wait is kept for it")
            let unsignalled = await clock.measure { await wake.wait(upTo: .milliseconds(200)) }
            #expect(unsignalled >= .milliseconds(190), "round \(round): the next wait returned after \(unsignalled)")
        }
    }

    @Test func aSignalWakesAWaiter() async {
        let wake = Wakeup()
        let clock = ContinuousClock()
        let waiter = Task { await clock.measure { await wake.wait(upTo: .seconds(3600)) } }
        try? await Task.sleep(for: .milliseconds(100))
        wake.signal()
        let elapsed = await waiter.value
        #expect(elapsed < .seconds(120), "woken by the signal, not by the hour's limit")
    }

    @Test func cancellationEndsAWait() async {
        let wake = Wakeup()
        let clock = ContinuousClock()
        let waiter = Task { await clock.measure { await wake.wait(upTo: .seconds(3600)) } }
        try? await Task.sleep(for: .milliseconds(100))
        waiter.cancel()
        #expect(await waiter.value < .seconds(120))
    }
}
