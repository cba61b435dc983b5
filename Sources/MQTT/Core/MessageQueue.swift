/// A first-in, first-out queue of received messages that does not shift its storage on every pop.
struct MessageQueue {
    private var storage: [MQTTMessage?] = []
    private var head = 0

    var count: Int { storage.count - head }

    mutating func append(_ message: MQTTMessage) {
        storage.append(message)
    }

    mutating func popFirst() -> MQTTMessage? {
        guard head < storage.count else { return nil }
        let message = storage[head]
        storage[head] = nil
        head += 1
        if head == storage.count {
            storage.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1_024, head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return message
    }

    mutating func removeAll() {
        storage.removeAll()
        head = 0
    }
}
