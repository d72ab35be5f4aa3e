import Foundation
import Testing
@testable import ProbeStore

/// Reads a whole file through the streaming reader, with small blocks so that block edges are exercised.
private func readAll(_ path: String, expectedRows: Int? = nil, blockBytes: Int = 64, threads: Int = 2) throws -> [[Float]] {
    var reader = EmbeddingTextReader(path: path, expectedRows: expectedRows, expectedRowsSource: "entities.txt")
    reader.blockBytes = blockBytes
    reader.threads = threads
    let rows = RowsBox()
    let summary = try reader.stream { block in
        #expect(block.firstRow == rows.values.count)
        for r in 0..<block.rowCount {
            rows.values.append(Array(block.values[(r * block.dimension)..<((r + 1) * block.dimension)]))
        }
    }
    #expect(summary.rows == rows.values.count)
    return rows.values
}

/// Collects streamed rows (the consumer runs on the reader's write thread only).
private final class RowsBox { var values: [[Float]] = [] }

/// One bad input, the error it must give and where.
struct BadInput: CustomTestStringConvertible, Sendable {
    let name: String
    let text: String
    let expectedRows: Int?
    let line: Int?
    let column: Int?
    let messageContains: String
    var testDescription: String { name }
}

@Suite("Embeddings text reader")
struct EmbeddingTextTests {
    @Test("values round-trip exactly, whatever the block size and thread count", arguments: [64, 100, 1 << 20], [1, 2, 3])
    func roundTrip(blockBytes: Int, threads: Int) throws {
        let folder = TemporaryFolder()
        let (values, text) = makeEmbeddings(rows: 57, dim: 7, seed: 3)
        let path = folder.write("e.txt", text)
        #expect(try readAll(path, expectedRows: 57, blockBytes: blockBytes, threads: threads) == values)
    }

    @Test("tolerates tabs, repeated spaces, leading/trailing blanks, no final newline, trailing empty lines")
    func whitespace() throws {
        let folder = TemporaryFolder()
        let path = folder.write("e.txt", "  1 2\t3 \n4\t\t5   6\n7 8 9\n\n\n")
        #expect(try readAll(path) == [[1, 2, 3], [4, 5, 6], [7, 8, 9]])
        let noNewline = folder.write("f.txt", "1 2\n3 4")
        #expect(try readAll(noNewline) == [[1, 2], [3, 4]])
    }

    static let badInputs: [BadInput] = [
        BadInput(name: "ragged row (short)", text: "1 2 3\n4 5\n", expectedRows: nil, line: 2, column: 4, messageContains: "2 values on this line, expected 3"),
        BadInput(name: "ragged row (long)", text: "1 2 3\n4 5 6 7\n", expectedRows: nil, line: 2, column: 7, messageContains: "more than 3 values"),
        BadInput(name: "non-numeric token", text: "1 2 3\n4 x5 6\n", expectedRows: nil, line: 2, column: 3, messageContains: "'x5' is not a decimal number"),
        BadInput(name: "NaN", text: "1 2 3\n4 5 nan\n", expectedRows: nil, line: 2, column: 5, messageContains: "not finite"),
        BadInput(name: "Inf", text: "1 -Inf 3\n", expectedRows: nil, line: 1, column: 3, messageContains: "not finite"),
        BadInput(name: "overflow", text: "1 2 3\n1e39 0 0\n", expectedRows: nil, line: 2, column: 1, messageContains: "outside the float32 range"),
        BadInput(name: "fewer rows than entities", text: "1 2\n3 4\n", expectedRows: 3, line: 3, column: nil, messageContains: "has 2 vectors but entities.txt has 3"),
        BadInput(name: "more rows than entities", text: "1 2\n3 4\n5 6\n", expectedRows: 2, line: 3, column: nil, messageContains: "more vectors than the 2 entities"),
        BadInput(name: "empty file", text: "", expectedRows: nil, line: nil, column: nil, messageContains: "the file is empty"),
        BadInput(name: "only blank lines", text: "\n\n", expectedRows: nil, line: 1, column: nil, messageContains: "first line is empty"),
        BadInput(name: "blank line inside", text: "1 2\n\n3 4\n", expectedRows: nil, line: 2, column: nil, messageContains: "empty line inside"),
        BadInput(name: "CRLF line endings", text: "1 2\r\n3 4\r\n", expectedRows: nil, line: 1, column: nil, messageContains: "CR LF"),
        BadInput(name: "CR at end of last line", text: "1 2\n3 4\r", expectedRows: nil, line: 2, column: nil, messageContains: "CR"),
        BadInput(name: "UTF-8 byte-order mark", text: "\u{FEFF}1 2\n", expectedRows: nil, line: 1, column: 1, messageContains: "byte-order mark"),
    ]

    @Test("bad input gives its error with file, line and column", arguments: badInputs)
    func badInput(_ bad: BadInput) throws {
        let folder = TemporaryFolder()
        let path = folder.write("bad.txt", bad.text)
        for blockBytes in [16, 1 << 20] {
            do {
                _ = try readAll(path, expectedRows: bad.expectedRows, blockBytes: blockBytes)
                Issue.record("\(bad.name): no error")
            } catch let error as InputError {
                #expect(error.file == path)
                #expect(error.line == bad.line, "\(bad.name): \(error)")
                #expect(error.column == bad.column, "\(bad.name): \(error)")
                #expect(error.message.contains(bad.messageContains), "\(bad.name): \(error)")
            }
        }
    }

    @Test("a missing file is an error naming it")
    func missingFile() {
        let folder = TemporaryFolder()
        let path = folder.file("nope.txt")
        #expect { try readAll(path) } throws: { error in
            (error as? InputError)?.file == path && (error as? InputError)?.message.contains("cannot open") == true
        }
    }

    @Test("the line count used to size a dataset ignores trailing blank lines")
    func lineCount() throws {
        let folder = TemporaryFolder()
        #expect(try Converter.countVectorLines(folder.write("a.txt", "1\n2\n3\n")) == 3)
        #expect(try Converter.countVectorLines(folder.write("b.txt", "1\n2\n3")) == 3)
        #expect(try Converter.countVectorLines(folder.write("c.txt", "1\n2\n3\n\n  \n")) == 3)
    }
}

@Suite("Task layout and entities")
struct TaskLayoutTests {
    @Test("the label set is the sorted set of non-empty lines")
    func labelSet() throws {
        let folder = TemporaryFolder()
        let labels = try LabelSet(contentsOf: folder.write("tags.txt", "verb.b\nZ\nnoun.a\n\nnoun.a\n"))
        #expect(labels.labels == ["Z", "noun.a", "verb.b"])
        #expect(labels.index(of: "noun.a") == 1)
    }

    @Test("bad entity lines name file, line and column", arguments: [
        ("w1\ta\nw2 a\n", 2, "found no tab"),
        ("w1\ta\nw2\ta\textra\n", 2, "exactly one tab"),
        ("w1\ta\nw2\tzzz\n", 2, "label 'zzz' is not in the label set"),
        ("w1\ta\n\nw3\ta\n", 2, "empty line inside"),
        ("w1\ta\r\n", 1, "CR LF"),
        ("\u{FEFF}w1\ta\n", 1, "byte-order mark"),
    ])
    func badEntities(text: String, line: Int, message: String) throws {
        let folder = TemporaryFolder()
        let labels = LabelSet(["a", "b"])
        let path = folder.write("entities.txt", text)
        #expect { try EntityFile.readAll(path, labels: labels) } throws: { error in
            guard let error = error as? InputError else { return false }
            return error.file == path && error.line == line && error.message.contains(message)
        }
    }

    @Test("an empty entities file or label file is an error")
    func emptyFiles() {
        let folder = TemporaryFolder()
        #expect(throws: InputError.self) { try EntityFile.readAll(folder.write("e.txt", ""), labels: LabelSet(["a"])) }
        #expect(throws: InputError.self) { try LabelSet(contentsOf: folder.write("t.txt", "\n\n")) }
    }

    @Test("task discovery finds both layouts and rejects a misplaced file")
    func discovery() throws {
        let folder = TemporaryFolder()
        _ = makeTask(in: folder)
        let task = try TaskDirectory(root: folder.file("task"))
        #expect(task.embeddings.map(\.key) == ["m/test/0/1", "m/test/0/2", "m/train/0/1", "m/train/0/2"])
        #expect(task.entities.keys.sorted() == ["test", "train"])

        folder.write("old/labels/tags.txt", "a\n")
        folder.write("old/entities/train.txt", "x\ta\n")
        folder.write("old/embeddings/layers/train/10.txt", "1\n")
        folder.write("old/embeddings/layers/train/2.txt", "1\n")
        let old = try TaskDirectory(root: folder.file("old"))
        #expect(old.embeddings.map(\.key) == ["layers/train/2", "layers/train/10"])
        #expect(old.embeddings.first?.model == nil)

        folder.write("old/embeddings/stray.txt", "1\n")
        #expect(throws: InputError.self) { try TaskDirectory(root: folder.file("old")) }
        #expect(throws: InputError.self) { try TaskDirectory(root: folder.file("missing")) }
    }
}
