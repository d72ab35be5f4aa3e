import Foundation
import Testing
import ProbeReport
import ProbeStore

/// Malformed inputs: each gives a `InputError` naming the file and, where it has one, the line.
@Suite struct InputErrorTests {
    struct BadInput: CustomTestStringConvertible, Sendable {
        let name: String
        /// Files written over a valid single-run folder (`run/…`) or batch folder (`batch/…`).
        let files: [String: String]
        let folder: String
        let file: String
        let line: Int?
        let column: Int?
        let message: String

        var testDescription: String { name }
    }

    static let catalogue: [BadInput] = [
        BadInput(name: "ragged CSV row", files: ["batch/outside_min/1.txt": " ,1,2\nA,0.5,0.6\nB,0.7\n"],
                 folder: "batch", file: "outside_min/1.txt", line: 3, column: nil, message: "2 fields, but the header has 3"),
        BadInput(name: "non-number in a CSV", files: ["batch/inside_max/0.txt": " ,1,2\nA,0.5,abc\nB,0.7,0.8\n"],
                 folder: "batch", file: "inside_max/0.txt", line: 2, column: 3, message: "not a finite number: \"abc\""),
        BadInput(name: "CSV without a header", files: ["batch/batch_vec/0.txt": "A---B,0.5\n"],
                 folder: "batch", file: "batch_vec/0.txt", line: 1, column: 1, message: "header"),
        BadInput(name: "CSV header with an empty layer", files: ["batch/outside_min/0.txt": " ,1,\nA,0.5,0.6\n"],
                 folder: "batch", file: "outside_min/0.txt", line: 1, column: 3, message: "empty layer name"),
        BadInput(name: "non-number per label", files: ["run/inside_mean.txt": "A,1.0\nB,1.2.3\n"],
                 folder: "run", file: "inside_mean.txt", line: 2, column: 2, message: "not a finite number"),
        BadInput(name: "NaN per label", files: ["run/outside_min.txt": "A,nan\nB,1\n"],
                 folder: "run", file: "outside_min.txt", line: 1, column: 2, message: "not a finite number"),
        BadInput(name: "line without a comma", files: ["run/vec.txt": "\nA---B 0.5\n"],
                 folder: "run", file: "vec.txt", line: 2, column: nil, message: "expected \"A---B,value\""),
        BadInput(name: "pair without separator", files: ["run/vec.txt": "A+B,0.5\n"],
                 folder: "run", file: "vec.txt", line: 1, column: 1, message: "label pair"),
        BadInput(name: "duplicate label", files: ["run/inside_max.txt": "A,1\nB,2\nA,3\n"],
                 folder: "run", file: "inside_max.txt", line: 3, column: 1, message: "appears twice"),
        BadInput(name: "cluster number", files: ["run/clusters.txt": "0\n1\n0\nx\n"],
                 folder: "run", file: "clusters.txt", line: 4, column: nil, message: "not a cluster number"),
        BadInput(name: "prediction field", files: ["run/prediction.txt": "A\t0-A,0.1\nB\t1B,0.2\n"],
                 folder: "run", file: "prediction.txt", line: 2, column: 2, message: "cluster-Label,distance"),
        BadInput(name: "summary.json field of the wrong type", files: ["run/summary.json": #"{"clusters":"five"}"#],
                 folder: "run", file: "summary.json", line: nil, column: nil, message: "clusters"),
        BadInput(name: "batch summary.json field of the wrong type", files: ["batch/summary.json": #"{"linear":{"0":{"1":"yes"}}}"#],
                 folder: "batch", file: "summary.json", line: nil, column: nil, message: "linear.0.1"),
    ]

    @Test(arguments: catalogue)
    func malformedInputNamesFileAndLine(_ bad: BadInput) throws {
        let temporary = try TemporaryFolder()
        defer { temporary.remove() }
        _ = try writeRunFolder(in: temporary, name: "run", labels: ["A", "B"]) { _, _ in 1 }
        _ = try writeBatchFolder(in: temporary, name: "batch", labels: ["A", "B"], iterations: ["0", "1"], layers: ["1", "2"])
        for (path, text) in bad.files { try temporary.write(path, text) }

        let error = #expect(throws: InputError.self) {
            _ = try Report(resultFolders: [temporary.folder(bad.folder)])
        }
        #expect(error?.file == temporary.folder(bad.folder + "/" + bad.file))
        #expect(error?.line == bad.line)
        if let column = bad.column { #expect(error?.column == column) }
        #expect(error?.message.contains(bad.message) == true, "message: \(error?.message ?? "none")")
        #expect(error?.description.hasPrefix(temporary.folder(bad.folder + "/" + bad.file)) == true)
    }

    @Test func malformedJSONIsAnErrorNamingTheFile() throws {
        let temporary = try TemporaryFolder()
        defer { temporary.remove() }
        let folder = try writeRunFolder(in: temporary, name: "run", labels: ["A", "B"]) { _, _ in 1 }
        let path = try temporary.write("run/summary.json", "{\n\"clusters\": 5,\n\"linear\": tru\n}")
        let error = #expect(throws: InputError.self) { _ = try RunResult(folder: folder) }
        #expect(error?.file == path)
        #expect(error?.message.contains("JSON") == true)
    }

    @Test func foldersOfNeitherKindAreRejected() throws {
        let temporary = try TemporaryFolder()
        defer { temporary.remove() }
        try temporary.write("empty/notes.txt", "nothing here\n")
        let empty = #expect(throws: InputError.self) { _ = try Report(resultFolders: [temporary.folder("empty")]) }
        #expect(empty?.file == temporary.folder("empty"))
        #expect(empty?.message.contains("not a results folder") == true)
        let missing = #expect(throws: InputError.self) { _ = try Report(resultFolders: [temporary.folder("absent")]) }
        #expect(missing?.message == "no such folder")
        try FileManager.default.createDirectory(atPath: temporary.folder("hollow/outside_min"), withIntermediateDirectories: true)
        let hollow = #expect(throws: InputError.self) { _ = try BatchResult(folder: temporary.folder("hollow")) }
        #expect(hollow?.message.contains("no <iteration>.txt") == true)
    }

    @Test func logFactsIgnoreWhatTheyDoNotUnderstand() {
        let facts = LogFacts(text: """
        2026-11-28 10:56:12,625-probing.py-INFO: Found 395-th state is the first error state
        garbage line with Acc=notanumber
        2026-11-28 10:56:12,631-probing.py-INFO: Final number of clusters: 5
        2026-11-28 10:56:12,631-probing.py-INFO: This space is non-linear!
        2026-11-28 10:56:13,000-main.py-INFO: Acc=0.8125
        2026-11-28 10:56:13,001-main.py-INFO: global min dis=0.5
        """)
        #expect(facts.firstErrorState == 395)
        #expect(facts.finalClusters == 5)
        #expect(facts.linear == false)
        #expect(facts.accuracy == 0.8125)
        #expect(facts.measures?.globalMinDistance == 0.5)
        #expect(facts.measures?.insideMaxOverOutsideMin == nil)
    }
}
