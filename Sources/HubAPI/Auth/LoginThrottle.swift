import Foundation
import Vitals

/// Login attempts per client address in a sliding window: past the limit, the address gets 429 until its oldest
/// attempt leaves the window. Kept in memory: a restart forgets it, while account locks (in the database) stay.
actor LoginThrottle {
    private let limit: Int
    private let window: Duration
    private var attempts: [String: [Date]] = [:]

    init(limit: Int, window: Duration) {
        self.limit = limit
        self.window = window
    }

    /// Counts an attempt from `address`; returns when it may try again if it is over the limit, nil if not.
    func attempt(from address: String, at now: Date) -> Date? {
        var times = recent(address, now)
        if times.count >= limit, let oldest = times.first {
            attempts[address] = times
            return oldest.adding(window)
        }
        times.append(now)
        attempts[address] = times
        if attempts.count > 4096 { attempts = attempts.filter { !recent($0.key, now).isEmpty } }
        return nil
    }

    /// Addresses over the limit now, with when each may try again: what admins see.
    func blockedAddresses(at now: Date) -> [(address: String, until: Date)] {
        attempts.keys.sorted().compactMap { address in
            let times = recent(address, now)
            guard times.count >= limit, let oldest = times.first else { return nil }
            return (address, oldest.adding(window))
        }
    }

    private func recent(_ address: String, _ now: Date) -> [Date] {
        let start = now.adding(.zero - window)
        return (attempts[address] ?? []).filter { $0 > start }
    }
}
