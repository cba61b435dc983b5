import Foundation
import Testing

/// The independent checkers of tools/ (Python, pinned in tools/requirements.txt and installed by scripts/setup into
/// .tools/venv), run on what the hub produced.
enum Oracle {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs `tools/<script>` on `document` (written to a temporary file ending in `suffix`); its exit status, its
    /// standard output, and its standard error.
    ///
    /// Waits by polling rather than with `waitUntilExit()`, which would hold one of the test runner's few cooperative
    /// threads (as many as the machine has cores) for the second or two a checker takes to start.
    static func run(_ script: String, on document: Data, suffix: String) async throws -> (status: Int32, output: String, errors: String) {
        let python = root.appendingPathComponent(".tools/venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: python) else {
            Issue.record("the test oracles are not installed: run scripts/setup (it installs tools/requirements.txt into .tools/venv)")
            return (-1, "", "")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("oracle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("document\(suffix)")
        let outputFile = directory.appendingPathComponent("stdout.txt")
        let errorFile = directory.appendingPathComponent("stderr.txt")
        try document.write(to: file)
        FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [root.appendingPathComponent("tools/\(script)").path, file.path]
        // Both streams go to files: no pipe to fill, and none a process spawned meanwhile could inherit and hold open.
        process.standardOutput = try FileHandle(forWritingTo: outputFile)
        process.standardError = try FileHandle(forWritingTo: errorFile)
        try process.run()
        while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        return (process.terminationStatus, String(decoding: try Data(contentsOf: outputFile), as: UTF8.self),
                String(decoding: try Data(contentsOf: errorFile), as: UTF8.self))
    }
}
