import Foundation
import Testing

/// The independent checkers of tools/ (Python, pinned in tools/requirements.txt and installed by scripts/setup into
/// .tools/venv), run on what the hub produced.
enum Oracle {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Runs `tools/<script>` on `document` (written to a temporary file ending in `suffix`); its exit status, its
    /// standard output, and its standard error.
    static func run(_ script: String, on document: Data, suffix: String) throws -> (status: Int32, output: String, errors: String) {
        let python = root.appendingPathComponent(".tools/venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: python) else {
            Issue.record("the test oracles are not installed: run scripts/setup (it installs tools/requirements.txt into .tools/venv)")
            return (-1, "", "")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("oracle-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("document\(suffix)")
        let errorFile = directory.appendingPathComponent("stderr.txt")
        try document.write(to: file)
        FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [root.appendingPathComponent("tools/\(script)").path, file.path]
        let output = Pipe()
        process.standardOutput = output
        // Standard error goes to a file, so neither stream can fill its pipe while the other is read.
        process.standardError = try FileHandle(forWritingTo: errorFile)
        try process.run()
        let outputText = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, outputText, String(decoding: try Data(contentsOf: errorFile), as: UTF8.self))
    }
}
