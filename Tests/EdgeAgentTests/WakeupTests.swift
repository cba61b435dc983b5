@testable import EdgeAgent
import Testing

/// The sender's wake-up: prompt on a signal, otherwise a real wait. A wait that returns early without a signal
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
            let signalled = await clock.measure { await wake.wait(upTo: .seconds(10)) }
            #expect(signalled < .seconds(5), "a signal given before the wait is kept for it")
            let unsignalled = await clock.measure { await wake.wait(upTo: .milliseconds(200)) }
            #expect(unsignalled >= .milliseconds(190), "round \(round): the next wait returned after \(unsignalled)")
        }
    }

    @Test func aSignalWakesAWaiter() async {
        let wake = Wakeup()
        let clock = ContinuousClock()
        let waiter = Task { await clock.measure { await wake.wait(upTo: .seconds(20)) } }
        try? await Task.sleep(for: .milliseconds(100))
        wake.signal()
        let elapsed = await waiter.value
        #expect(elapsed < .seconds(10), "woken by the signal, not by the 20 s limit")
    }

    @Test func cancellationEndsAWait() async {
        let wake = Wakeup()
        let clock = ContinuousClock()
        let waiter = Task { await clock.measure { await wake.wait(upTo: .seconds(20)) } }
        try? await Task.sleep(for: .milliseconds(100))
        waiter.cancel()
        #expect(await waiter.value < .seconds(10))
    }
}
