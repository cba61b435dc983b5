import Foundation

/// A fresh directory under /tmp, removed by ``remove()``; short, because socket paths must fit in 107 bytes.
struct TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array("/tmp/sw-sim-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        path = String(cString: made)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
