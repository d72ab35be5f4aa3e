import ArgumentParser
import Foundation
import ProbeCommandLine
import ProbeStore

/// `probe-convert`: pre-packed text (or numpy) embeddings → a chunked HDF5 probe store.
@main
struct ProbeConvert: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe-convert",
        abstract: "Convert pre-packed text or numpy embeddings into an HDF5 probe store.",
        discussion: """
        SRC is either a task directory in the pre-packed layout
          labels/tags.txt, entities/<split>.txt,
          embeddings/<model>/<split>/<iter>/<layer>.txt  (closer-look layout) or
          embeddings/layers/<split>/<layer>.txt          (DirectProbe layout)
        (any <layer>.txt may instead be a numpy <layer>.npy), or a single embeddings
        file: .txt (one vector per line) or .npy (np.save of a 2-D float32 or float64
        array in C order, format 1.0-3.0).

        The store (read it with h5py) holds:
          /labels                      the sorted label set (UTF-8 strings)
          /entities/<split>/text       one string per example
          /entities/<split>/label      int32 index into /labels
          /embeddings/<key>            float32 (n, d), <key> mirroring the text
                                       layout, e.g. all-MiniLM-L6-v2/train/0/6
                                       (a single file: --dataset, default its
                                       name)
        Datasets carry attributes: source, source_bytes, split, model,
        iteration, layer.

        Storage: each embeddings matrix is chunked in whole rows (about 2 MiB a
        chunk by default, or --chunk-rows), uncompressed, every chunk starting
        on a 4 KiB page of the file, so that probe memory-maps the chunks in
        place; --compress adds shuffle + deflate (smaller, slower, read through
        HDF5). --chunk-rows 0 writes the contiguous layout of earlier versions
        (still read).

        Values are the correctly rounded float32 of their text (or of the
        float64 values). Bad input (ragged rows, NaN or infinity, a wrong shape
        or dtype, a truncated file) stops the conversion with
        FILE[:LINE:COLUMN] and a non-zero exit; the output is written under a
        temporary name and appears only when complete. The output may not be
        an input, lie inside SRC's folders, or be anything but a regular file.
        """,
        version: "probe-convert \(ProbeVersion.string)")

    /// Installs the signal handling (cleanup on Ctrl-C), then parses and runs the command.
    static func main() {
        SignalHandler.install()
        main(nil)
    }

    @Argument(help: "A task directory, or an embeddings .txt or .npy file.")
    var source: String

    @OptionGroup var target: OutputFileOptions

    @Option(help: "Dataset name when converting a single file (default: embeddings/<file name without .txt/.npy>).")
    var dataset: String?

    @Option(help: "Compress with shuffle+deflate at this level (1-9); default: uncompressed and memory-mappable.")
    var compress: Int?

    @Option(help: "Rows per chunk (default: about 2 MiB of rows, from the dimension); 0: contiguous, the layout of earlier versions.")
    var chunkRows: Int?

    @OptionGroup var work: WorkOptions

    func validate() throws {
        if let compress, !(1...9).contains(compress) { throw ValidationError("--compress takes a level from 1 to 9") }
        if let chunkRows, chunkRows < 0 { throw ValidationError("--chunk-rows must be positive, or 0 for a contiguous layout") }
        if chunkRows == 0, compress != nil { throw ValidationError("--compress needs chunks: leave out --chunk-rows 0") }
        if let dataset, dataset.trimmingCharacters(in: CharacterSet(charactersIn: "/ ")).isEmpty {
            throw ValidationError("--dataset needs a name (e.g. --dataset train)")
        }
    }

    func run() throws {
        var options = ConversionOptions()
        options.threads = work.threadCount
        options.overwrite = target.force
        options.showProgress = !work.quiet
        if let compress {
            options.storage = .compressed(chunkRows: chunkRows, level: compress)
        } else if chunkRows == 0 {
            options.storage = .contiguous
        } else {
            options.storage = .chunked(chunkRows: chunkRows)
        }
        do {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory) else {
                throw InputError(file: source, "no such file or directory")
            }
            let report: ConversionReport
            if isDirectory.boolValue {
                let task = try TaskDirectory(root: source)
                try target.check(inputs: [task.labelsPath] + task.entities.values + task.embeddings.map(\.path),
                                 inputFolders: ["labels", "entities", "embeddings"].map { (source as NSString).appendingPathComponent($0) })
                report = try Converter.convertTask(task, to: target.output, options: options)
            } else {
                try target.check(inputs: [source])
                let name = dataset ?? StoreLayout.embeddings(URL(fileURLWithPath: source).deletingPathExtension().lastPathComponent)
                report = try Converter.convertEmbeddingsFile(source, to: target.output, dataset: name, options: options)
            }
            if !work.quiet {
                for entry in report.datasets {
                    print("\(entry.name)\t\(entry.rows) x \(entry.dimension)")
                }
                let rate = Double(report.textBytes) / 1e6 / max(report.seconds, 1e-9)
                print(String(format: "wrote %@: %.1f MB of input in %.2f s (%.0f MB/s)", report.output, Double(report.textBytes) / 1e6, report.seconds, rate))
            }
        } catch let error as InputError {
            throw commandFailure(error, tool: "probe-convert")
        } catch let error as HDF5Error {
            throw commandFailure(error, tool: "probe-convert", verbose: work.verbose)
        }
    }
}
