import Foundation

/// How `Converter` writes a store.
public struct ConversionOptions: Sendable {
    /// Storage of the float32 matrices: uncompressed chunks of about 2 MiB, page-aligned, by
    /// default (memory-mappable; compression saves little: see the README's measurement).
    public var storage: MatrixStorage = .default
    /// Parser threads.
    public var threads: Int = ProcessInfo.processInfo.activeProcessorCount
    /// Bytes of text per parsed block.
    public var blockBytes: Int = 4 << 20
    /// Draw progress bars on a terminal.
    public var showProgress: Bool = true
    /// Replace an existing output file (only after the new one is complete).
    public var overwrite: Bool = false
    /// Inputs at least this large are streamed without filling the page cache: read bytes
    /// are dropped and written ones flushed as they go, so that converting a file larger
    /// than RAM keeps the job's whole memory footprint (page cache included) bounded.
    /// Smaller inputs keep the cache, so that re-reading them is fast.
    public var releasePageCacheAbove: Int = 1 << 30

    /// Default options.
    public init() {}
}

/// What a conversion wrote.
public struct ConversionReport: Sendable {
    /// The output path.
    public let output: String
    /// Datasets written, with their shape.
    public var datasets: [(name: String, rows: Int, dimension: Int)] = []
    /// Bytes of input read (text, or `.npy` files).
    public var textBytes: Int = 0
    /// Wall time in seconds.
    public var seconds: Double = 0
}

/// Converts pre-packed text tasks and embeddings files into probe stores, streaming.
public enum Converter {
    /// Converts a whole task directory (labels, every split's entities, every embeddings file).
    public static func convertTask(_ task: TaskDirectory, to output: String, options: ConversionOptions = ConversionOptions()) throws -> ConversionReport {
        try checkOutput(output, options: options)
        let labels = try LabelSet(contentsOf: task.labelsPath)
        return try writeStore(output, source: task.root) { file, report in
            try file.createColumn(StoreLayout.labels, kind: .string, chunk: max(1, labels.count)).append(labels.labels)

            var counts: [String: Int] = [:]
            for split in task.entities.keys.sorted() {
                guard let path = task.entities[split] else { continue }
                let texts = try file.createColumn(StoreLayout.entityText(split), kind: .string)
                let indices = try file.createColumn(StoreLayout.entityLabels(split), kind: .int32)
                counts[split] = try EntityFile.read(path, labels: labels) { block in
                    try texts.append(block.map(\.text))
                    try indices.append(block.map { Int32($0.label) })
                }
                try file.setAttribute("source", path, on: "/entities/\(split)")
            }

            let totalBytes = task.embeddings.reduce(0) { $0 + fileSize($1.path) }
            let bar = ProgressBar("convert", total: Double(totalBytes), unit: "MB", scale: 1e6, enabled: options.showProgress ? nil : false)
            var doneBytes = 0
            for source in task.embeddings {
                let expected = counts[source.split]
                let summary = try writeMatrix(from: source.path, expectedRows: expected,
                                              expectedRowsSource: task.entities[source.split],
                                              into: file, dataset: StoreLayout.embeddings(source.key), options: options) { bytes in
                    bar.update(Double(doneBytes + bytes), note: source.key)
                }
                doneBytes += summary.bytes
                let name = StoreLayout.embeddings(source.key)
                try file.setAttribute("split", source.split, on: name)
                try file.setAttribute("layer", source.layer, on: name)
                if let model = source.model { try file.setAttribute("model", model, on: name) }
                if let iteration = source.iteration { try file.setAttribute("iteration", iteration, on: name) }
                report.datasets.append((name, summary.rows, summary.dimension))
                report.textBytes += summary.bytes
            }
            bar.finish()
        }
    }

    /// Converts one embeddings file (`.txt`, or a numpy `.npy`) into a store holding just that matrix at `dataset`.
    public static func convertEmbeddingsFile(_ path: String, to output: String, dataset: String,
                                             expectedRows: Int? = nil,
                                             options: ConversionOptions = ConversionOptions(),
                                             expectedRowsSource: String? = nil) throws -> ConversionReport {
        try checkOutput(output, options: options)
        return try writeStore(output, source: path) { file, report in
            let size = fileSize(path)
            let bar = ProgressBar("convert", total: Double(size), unit: "MB", scale: 1e6, enabled: options.showProgress ? nil : false)
            let summary = try writeMatrix(from: path, expectedRows: expectedRows, expectedRowsSource: expectedRowsSource,
                                          into: file, dataset: dataset, options: options) { bar.update(Double($0)) }
            bar.finish()
            report.datasets.append((dataset, summary.rows, summary.dimension))
            report.textBytes = summary.bytes
        }
    }

    /// Writes a store under a temporary name with `body`, then renames it to `output`; on an
    /// error the temporary file is removed and `output` is left as it was.
    private static func writeStore(_ output: String, source: String,
                                   _ body: (H5File, inout ConversionReport) throws -> Void) throws -> ConversionReport {
        let started = Date()
        let atomic = AtomicOutput(finalPath: output)
        var report = ConversionReport(output: output)
        do {
            let file = try H5File.create(path: atomic.temporaryPath)
            try writeRootAttributes(file, source: source)
            try body(file, &report)
            try file.flush()
        } catch {
            atomic.abandon()
            throw error
        }
        try atomic.commit()
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    private static func checkOutput(_ output: String, options: ConversionOptions) throws {
        if !options.overwrite && FileManager.default.fileExists(atPath: output) {
            throw InputError(file: output, "the output exists; pass --force to replace it (it is replaced only once the new file is complete)")
        }
    }

    private static func writeRootAttributes(_ file: H5File, source: String) throws {
        try file.setAttribute("format", StoreLayout.format)
        try file.setAttribute("format_version", StoreLayout.formatVersion)
        try file.setAttribute("source", source)
        try file.setAttribute("creator", "probe-convert \(ProbeVersion.string)")
    }

    /// Streams one text (or `.npy`) file into a new float32 dataset. The row count must be
    /// known before the dataset is created: it is the entity count, or else a quick line count.
    private static func writeMatrix(from path: String, expectedRows: Int?, expectedRowsSource: String?,
                                    into file: H5File, dataset: String, options: ConversionOptions,
                                    progress: @escaping (Int) -> Void) throws -> EmbeddingTextSummary {
        if NumpyMatrixFile.isNumpy(path) {
            return try writeNumpyMatrix(from: path, expectedRows: expectedRows, expectedRowsSource: expectedRowsSource,
                                        into: file, dataset: dataset, options: options, progress: progress)
        }
        var reader = EmbeddingTextReader(path: path, expectedRows: expectedRows, expectedRowsSource: expectedRowsSource)
        reader.threads = options.threads
        reader.blockBytes = options.blockBytes
        let size = fileSize(path)
        let releasePages = size >= options.releasePageCacheAbove
        reader.dropConsumedPages = releasePages
        let rows = try expectedRows ?? countVectorLines(path, dropConsumedPages: releasePages)
        let matrix = MatrixBox()
        let summary = try reader.stream(progress: progress) { block in
            if matrix.dataset == nil {
                matrix.dataset = try file.createMatrix(dataset, rows: rows, columns: block.dimension, storage: options.storage)
            }
            try matrix.dataset?.writeRows(firstRow: block.firstRow, rowCount: block.rowCount, columns: block.dimension, from: block.values)
            matrix.bytesSinceRelease += block.values.count * MemoryLayout<Float>.size
            if releasePages && matrix.bytesSinceRelease >= 32 << 20 {
                file.releaseWrittenPages()
                matrix.bytesSinceRelease = 0
            }
        }
        try file.setAttribute("source", path, on: dataset)
        try file.setAttribute("source_bytes", Int64(summary.bytes), on: dataset)
        return summary
    }

    /// Streams a `.npy` file (float32 or float64, C order, 2-D) into a new float32 dataset,
    /// checking its shape against the entities and every value for NaN, infinity and range.
    private static func writeNumpyMatrix(from path: String, expectedRows: Int?, expectedRowsSource: String?,
                                         into file: H5File, dataset: String, options: ConversionOptions,
                                         progress: @escaping (Int) -> Void) throws -> EmbeddingTextSummary {
        let numpy = try NumpyMatrixFile(path: path)
        let layout = numpy.layout
        if let expected = expectedRows, layout.rows != expected {
            throw InputError(file: path, "the array has \(layout.rows) rows but \(expectedRowsSource ?? "the entities file") has \(expected) entities; row i of the array must describe line i of the entities")
        }
        let releasePages = numpy.fileBytes >= options.releasePageCacheAbove
        let matrix = try file.createMatrix(dataset, rows: layout.rows, columns: layout.columns, storage: options.storage)
        var bytesSinceRelease = 0
        try numpy.stream(blockBytes: options.blockBytes, dropConsumedPages: releasePages, progress: progress) { block in
            try matrix.writeRows(firstRow: block.firstRow, rowCount: block.rowCount, columns: block.dimension, from: block.values)
            bytesSinceRelease += block.values.count * MemoryLayout<Float>.size
            if releasePages && bytesSinceRelease >= 32 << 20 {
                file.releaseWrittenPages()
                bytesSinceRelease = 0
            }
        }
        try file.setAttribute("source", path, on: dataset)
        try file.setAttribute("source_bytes", Int64(numpy.fileBytes), on: dataset)
        return EmbeddingTextSummary(rows: layout.rows, dimension: layout.columns, bytes: numpy.fileBytes)
    }

    /// Counts the lines of a text file up to its last non-blank one (a fast `memchr` pass), for sizing a dataset.
    static func countVectorLines(_ path: String, dropConsumedPages: Bool = false) throws -> Int {
        let reader = try LineBlockReader(path: path)
        reader.dropConsumedPages = dropConsumedPages
        var lastContentLine = 0
        while let block = try reader.next() {
            // Walk back over trailing blank lines of this block; stop at the first byte of content.
            var index = block.count - 1
            var trailingNewlines = 0
            var sawContent = false
            while index >= 0 {
                let byte = block.bytes[index]
                if byte == UInt8(ascii: "\n") {
                    trailingNewlines += 1
                } else if byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t") {
                    sawContent = true
                    break
                }
                index -= 1
            }
            guard sawContent else { continue }
            let endsWithNewline = block.bytes[block.count - 1] == UInt8(ascii: "\n")
            // Lines in this block = nextLine - firstLine; the content line is the last one minus the blank ones.
            let blockLines = reader.nextLine - block.firstLine
            let blankAfterContent = endsWithNewline ? trailingNewlines - 1 : trailingNewlines
            lastContentLine = block.firstLine + blockLines - 1 - blankAfterContent
        }
        return lastContentLine
    }
}

/// Holds the dataset created lazily by the write thread (used on that thread only).
private final class MatrixBox {
    var dataset: H5Dataset?
    var bytesSinceRelease = 0
}

/// The size of a file in bytes (0 if it cannot be read).
func fileSize(_ path: String) -> Int {
    var info = stat()
    return stat(path, &info) == 0 ? Int(info.st_size) : 0
}
