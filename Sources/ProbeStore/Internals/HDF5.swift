import CHDF5
import Foundation

// The only file that calls the HDF5 C API. Everything above it sees typed,
// throwing Swift values; no raw `hid_t` or status code leaves this file.

/// An error reported by the HDF5 library, with its error stack as a message.
public struct HDF5Error: Error, CustomStringConvertible, Sendable {
    /// What the project was doing (e.g. "create dataset /embeddings/x in out.h5").
    public let operation: String
    /// The HDF5 error stack, innermost last.
    public let stack: String

    /// One line for a user: what failed and the stack's most telling reason (the system's
    /// error message when HDF5 reports one, e.g. "No space left on device"; else the
    /// innermost entry), with a hint for the common cases. `details` has the whole stack.
    public var description: String {
        guard !stack.isEmpty else { return "HDF5: \(operation) failed" }
        return "HDF5: \(operation) failed: \(reason)\(hint.map { "; \($0)" } ?? "")"
    }

    /// The full message with the library's whole error stack (shown with `--verbose`).
    public var details: String {
        stack.isEmpty ? "HDF5: \(operation) failed" : "HDF5: \(operation) failed: \(stack)"
    }

    /// The most telling part of the stack, on one line.
    var reason: String {
        if let range = stack.range(of: "error message = '"), let end = stack[range.upperBound...].firstIndex(of: "'") {
            return String(stack[range.upperBound..<end])
        }
        // Entries are "description (function)", outermost first; the innermost is the most
        // specific, except below a missing filter, where the plugin search adds noise.
        let entries = stack.components(separatedBy: "; ")
        let innermost = entries.first { $0.contains("required filter") } ?? entries.last ?? stack
        let text = innermost.range(of: " (", options: .backwards).map { String(innermost[..<$0.lowerBound]) } ?? innermost
        return UserText.escaped(Array(text.split(separator: "\n").first.map(String.init)?.utf8 ?? text.utf8))
    }

    private var hint: String? {
        if stack.contains("truncated file") { return "the file is incomplete (an interrupted copy or write?); copy or convert it again" }
        if stack.contains("file signature not found") { return "this is not an HDF5 file" }
        if stack.contains("required filter") || (stack.contains("filter") && stack.contains("not available")) {
            return "the dataset uses a compression filter this HDF5 library lacks; rewrite it with gzip/deflate or uncompressed (e.g. probe-convert)"
        }
        if stack.contains("name parameter cannot be an empty string") { return "give a non-empty dataset name" }
        return nil
    }
}

/// Serialises all HDF5 calls: a serial (non-thread-safe) build is the common case on
/// laptops (Homebrew), so the wrapper never lets two threads into the library at once.
let hdf5Lock = NSRecursiveLock()

/// One-time library setup: silence HDF5's own error printing (we collect the stack instead),
/// and keep HDF5 from closing leftover files in an `atexit` handler. Every file is closed by
/// its `H5Handle` (datasets before their file, since a dataset holds its file); a file whose
/// close failed after a failed write (disk full) stays half-open inside the library, and
/// HDF5 1.10's exit-time cleanup of such a file dereferences a null pointer (SIGSEGV in
/// H5F__close_cb). Its data is being discarded anyway: the process exit closes the descriptor.
///
/// HDF5's advisory file locks are turned off (`HDF5_USE_FILE_LOCKING=FALSE`, read when the
/// library starts): a `flock` belongs to the open descriptor, which a child process started
/// meanwhile inherits, so a store this process wrote and reopens could stay "locked" by a
/// child for as long as the child runs. Every output is written under a temporary name and
/// renamed when complete, so no reader ever sees a file being written; a user's own setting
/// of the variable is kept.
private let hdf5Initialised: Bool = {
    setenv("HDF5_USE_FILE_LOCKING", "FALSE", 0)
    H5dont_atexit()
    H5open()
    probe_h5_silence_errors()
    return true
}()

@inline(__always)
func withHDF5<T>(_ body: () throws -> T) rethrows -> T {
    _ = hdf5Initialised
    hdf5Lock.lock()
    defer { hdf5Lock.unlock() }
    // HDF5 1.10 turns its stack printing back on when it initialises its error package
    // lazily (inside the first call that needs it), so silence it again on every entry:
    // one store, and no raw HDF5-DIAG dump ever reaches a user.
    probe_h5_silence_errors()
    return try body()
}

private func currentErrorStack() -> String {
    var buffer = [CChar](repeating: 0, count: 2048)
    let count = buffer.count
    buffer.withUnsafeMutableBufferPointer { probe_h5_error_message($0.baseAddress, count) }
    return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// Turns a negative id or status into an `HDF5Error` carrying the library's error stack.
@discardableResult
func check(_ value: hid_t, _ operation: @autoclosure () -> String) throws -> hid_t {
    if value < 0 { throw HDF5Error(operation: operation(), stack: currentErrorStack()) }
    return value
}

@discardableResult
func check(_ status: herr_t, _ operation: @autoclosure () -> String) throws -> herr_t {
    if status < 0 { throw HDF5Error(operation: operation(), stack: currentErrorStack()) }
    return status
}

/// An open HDF5 object id that closes itself; not thread-safe on its own (calls go through `withHDF5`).
final class H5Handle: Sendable {
    enum Kind { case file, group, dataset, dataspace, datatype, propertyList, attribute }
    let id: hid_t
    let kind: Kind

    init(_ id: hid_t, _ kind: Kind) {
        self.id = id
        self.kind = kind
    }

    deinit {
        withHDF5 {
            switch kind {
            case .file: _ = H5Fclose(id)
            case .group: _ = H5Gclose(id)
            case .dataset: _ = H5Dclose(id)
            case .dataspace: _ = H5Sclose(id)
            case .datatype: _ = H5Tclose(id)
            case .propertyList: _ = H5Pclose(id)
            case .attribute: _ = H5Aclose(id)
            }
        }
    }
}

/// The storage of a float32 matrix dataset.
public enum MatrixStorage: Sendable, Equatable {
    /// One contiguous block in the file (the layout of stores before 0.2): memory-mappable.
    case contiguous
    /// Uncompressed chunks of whole rows, `chunkRows` rows each (nil: chosen from the
    /// dimension, see `defaultChunkRows`); page-aligned in the file, so memory-mappable.
    case chunked(chunkRows: Int?)
    /// Chunks of `chunkRows` rows (nil: chosen from the dimension), shuffled and deflated at
    /// `level` (1–9); read with HDF5 hyperslabs.
    case compressed(chunkRows: Int?, level: Int)

    /// The default: uncompressed chunks of about 2 MiB.
    public static let `default` = MatrixStorage.chunked(chunkRows: nil)

    /// Rows per chunk for rows of `dimension` float32 values: about 2 MiB a chunk, rounded to
    /// a multiple of whole 4 KiB pages when that keeps the chunk under 4 MiB, so that
    /// page-aligned chunks follow each other in the file without gaps.
    public static func defaultChunkRows(dimension: Int) -> Int {
        let rowBytes = max(1, dimension) * MemoryLayout<Float>.size
        let target = max(1, (2 << 20) / rowBytes)
        // Rows per whole number of pages: 1024 / gcd(d, 1024) (a row is 4d bytes, a page 4096).
        var a = max(1, dimension), b = 1024
        while b != 0 { (a, b) = (b, a % b) }
        let pageRows = 1024 / a
        guard pageRows * rowBytes <= 4 << 20 else { return target }
        return max(pageRows, (target + pageRows / 2) / pageRows * pageRows)
    }
}

/// How a dataset's values are laid out in its file, as HDF5 reports it.
struct StoredLayout: Sendable, Equatable {
    /// HDF5's storage layouts.
    enum Kind: Sendable, Equatable { case contiguous, chunked, compact, other }
    /// The layout.
    let kind: Kind
    /// The chunk's extent in each dimension (chunked datasets only).
    let chunkShape: [Int]
    /// The number of filters (compression, shuffle) in the pipeline.
    let filterCount: Int
    /// Whether the stored element type is native float32.
    let isNativeFloat32: Bool
}

/// Where one stored chunk of a 2-D dataset lies in the file.
struct StoredChunk: Sendable, Equatable {
    /// The first row and column the chunk holds.
    let firstRow: Int, firstColumn: Int
    /// The chunk's byte offset in the file.
    let fileOffset: Int
    /// Bytes stored (after filters).
    let storedBytes: Int
}

/// File-wide settings for a new HDF5 file.
enum H5Alignment {
    /// Objects at least this large (every embeddings chunk, in practice) start on a page boundary.
    static let threshold = 1024
    /// The boundary: 4 KiB pages (a 16 KiB-page system maps from the page below).
    static let alignment = 4096
}

/// An HDF5 file opened for reading or writing.
final class H5File: Sendable {
    let handle: H5Handle
    let path: String

    private init(handle: H5Handle, path: String) {
        self.handle = handle
        self.path = path
    }

    /// Creates (truncating) a new file whose large objects (chunks, contiguous datasets)
    /// start on 4 KiB boundaries (`H5Pset_alignment`), so that they can be memory-mapped.
    static func create(path: String) throws -> H5File {
        try withHDF5 {
            let fapl = H5Handle(try check(H5Pcreate(probe_h5p_file_access()), "file access properties for \(path)"), .propertyList)
            try check(H5Pset_alignment(fapl.id, hsize_t(H5Alignment.threshold), hsize_t(H5Alignment.alignment)), "alignment for \(path)")
            let id = try check(H5Fcreate(path, probe_h5f_acc_trunc(), probe_h5p_default(), fapl.id), "create \(path)")
            return H5File(handle: H5Handle(id, .file), path: path)
        }
    }

    /// Opens an existing file read-only.
    static func open(path: String) throws -> H5File {
        try withHDF5 {
            let id = try check(H5Fopen(path, probe_h5f_acc_rdonly(), probe_h5p_default()), "open \(path)")
            return H5File(handle: H5Handle(id, .file), path: path)
        }
    }

    /// Flushes buffered writes to disk.
    func flush() throws {
        try withHDF5 { _ = try check(H5Fflush(handle.id, H5F_SCOPE_GLOBAL), "flush \(path)") }
    }

    /// Starts writing dirty pages back and drops the ones already written from the page cache,
    /// so that writing a file larger than RAM keeps the process's memory footprint (cgroup
    /// page cache included) bounded. Linux only; a no-op elsewhere.
    func releaseWrittenPages() {
        #if os(Linux)
        withHDF5 {
            _ = H5Fflush(handle.id, H5F_SCOPE_LOCAL)
            var pointer: UnsafeMutableRawPointer? = nil
            guard H5Fget_vfd_handle(handle.id, probe_h5p_default(), &pointer) >= 0, let pointer else { return }
            // Pages written back since the last call can go; start writeback of the rest.
            probe_release_written_pages(pointer.assumingMemoryBound(to: Int32.self).pointee)
        }
        #endif
    }

    /// Whether a link (group or dataset) exists at an absolute path.
    func exists(_ objectPath: String) -> Bool {
        withHDF5 {
            var prefix = ""
            for part in objectPath.split(separator: "/") {
                prefix += "/" + part
                if H5Lexists(handle.id, prefix, probe_h5p_default()) <= 0 { return false }
            }
            return true
        }
    }

    /// Names of the links directly under a group, in name order.
    func children(of groupPath: String) throws -> [String] {
        try withHDF5 {
            let group = try check(H5Gopen2(handle.id, groupPath, probe_h5p_default()), "open group \(groupPath) in \(path)")
            defer { H5Gclose(group) }
            var info = H5G_info_t()
            try check(H5Gget_info(group, &info), "list \(groupPath) in \(path)")
            var names: [String] = []
            for index in 0..<info.nlinks {
                let size = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, probe_h5p_default())
                guard size >= 0 else { continue }
                var buffer = [CChar](repeating: 0, count: Int(size) + 1)
                H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, Int(size) + 1, probe_h5p_default())
                names.append(String(decoding: buffer.prefix(Int(size)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            return names
        }
    }

    /// Whether the object at `objectPath` is a dataset (as opposed to a group).
    func isDataset(_ objectPath: String) -> Bool {
        withHDF5 {
            let id = H5Oopen(handle.id, objectPath, probe_h5p_default())
            guard id >= 0 else { return false }
            defer { H5Oclose(id) }
            return H5Iget_type(id) == H5I_DATASET
        }
    }

    /// Creates a 2-D float32 dataset of `rows` × `columns`, creating missing parent groups.
    func createMatrix(_ name: String, rows: Int, columns: Int, storage: MatrixStorage) throws -> H5Dataset {
        try withHDF5 {
            let dims: [hsize_t] = [hsize_t(rows), hsize_t(columns)]
            let space = H5Handle(try check(H5Screate_simple(2, dims, nil), "dataspace for \(name)"), .dataspace)
            let dcpl = H5Handle(try check(H5Pcreate(probe_h5p_dataset_create()), "properties for \(name)"), .propertyList)
            // HDF5 cannot chunk an empty fixed-size dataset; an empty matrix is stored contiguous.
            switch rows > 0 && columns > 0 ? storage : .contiguous {
            case .contiguous:
                try check(H5Pset_layout(dcpl.id, H5D_CONTIGUOUS), "contiguous layout for \(name)")
                // Allocate at creation so the dataset has a file offset to map even before writing.
                try check(H5Pset_alloc_time(dcpl.id, H5D_ALLOC_TIME_EARLY), "allocation for \(name)")
                try check(H5Pset_fill_time(dcpl.id, H5D_FILL_TIME_NEVER), "fill for \(name)")
            case .chunked(let chunkRows), .compressed(let chunkRows, _):
                // Chunks of whole rows; no larger than the dataset (HDF5 requires it of fixed sizes).
                let wanted = chunkRows ?? MatrixStorage.defaultChunkRows(dimension: columns)
                let chunk: [hsize_t] = [hsize_t(max(1, min(wanted, max(rows, 1)))), hsize_t(max(columns, 1))]
                try check(H5Pset_chunk(dcpl.id, 2, chunk), "chunking for \(name)")
                if case .compressed(_, let level) = storage {
                    try check(H5Pset_shuffle(dcpl.id), "shuffle filter for \(name)")
                    try check(H5Pset_deflate(dcpl.id, UInt32(level)), "deflate filter for \(name)")
                } else {
                    // Chunks are written whole, in row order: no fill values to write first.
                    try check(H5Pset_fill_time(dcpl.id, H5D_FILL_TIME_NEVER), "fill for \(name)")
                }
            }
            let lcpl = H5Handle(try check(H5Pcreate(probe_h5p_link_create()), "link properties"), .propertyList)
            try check(H5Pset_create_intermediate_group(lcpl.id, 1), "intermediate groups")
            let id = try check(
                H5Dcreate2(handle.id, name, probe_h5t_native_float(), space.id, lcpl.id, dcpl.id, probe_h5p_default()),
                "create dataset \(name) in \(path)")
            return H5Dataset(handle: H5Handle(id, .dataset), name: name, file: self)
        }
    }

    /// Creates an extendible 1-D dataset of int32 or variable-length UTF-8 strings, written in appended blocks.
    func createColumn(_ name: String, kind: H5Column.Kind, chunk: Int = 4096) throws -> H5Column {
        try withHDF5 {
            let dims: [hsize_t] = [0]
            let maxDims: [hsize_t] = [probe_h5s_unlimited()]
            let space = H5Handle(try check(H5Screate_simple(1, dims, maxDims), "dataspace for \(name)"), .dataspace)
            let dcpl = H5Handle(try check(H5Pcreate(probe_h5p_dataset_create()), "properties for \(name)"), .propertyList)
            var chunkDims: [hsize_t] = [hsize_t(chunk)]
            try check(H5Pset_chunk(dcpl.id, 1, &chunkDims), "chunking for \(name)")
            let lcpl = H5Handle(try check(H5Pcreate(probe_h5p_link_create()), "link properties"), .propertyList)
            try check(H5Pset_create_intermediate_group(lcpl.id, 1), "intermediate groups")
            let type = try H5Column.makeType(kind)
            let id = try check(
                H5Dcreate2(handle.id, name, type.id, space.id, lcpl.id, dcpl.id, probe_h5p_default()),
                "create dataset \(name) in \(path)")
            return H5Column(handle: H5Handle(id, .dataset), type: type, kind: kind, name: name, file: self)
        }
    }

    /// Opens an existing dataset, with a chunk cache of 16 MiB.
    ///
    /// HDF5's default cache (1 MiB) is smaller than one ~2 MiB chunk: it would cache nothing,
    /// and every hyperslab read would decompress the whole chunk again; 16 MiB keeps the last
    /// few chunks, so reading a compressed matrix window by window decompresses each chunk once.
    func openDataset(_ name: String) throws -> H5Dataset {
        try withHDF5 {
            let dapl = H5Handle(try check(H5Pcreate(probe_h5p_dataset_access()), "access properties for \(name)"), .propertyList)
            try check(H5Pset_chunk_cache(dapl.id, 1009, 16 << 20, 1.0), "chunk cache for \(name)")
            let id = try check(H5Dopen2(handle.id, name, dapl.id), "open dataset \(name) in \(path)")
            return H5Dataset(handle: H5Handle(id, .dataset), name: name, file: self)
        }
    }

    /// Opens an existing 1-D column dataset.
    func openColumn(_ name: String, kind: H5Column.Kind) throws -> H5Column {
        try withHDF5 {
            let id = try check(H5Dopen2(handle.id, name, probe_h5p_default()), "open dataset \(name) in \(path)")
            return H5Column(handle: H5Handle(id, .dataset), type: try H5Column.makeType(kind), kind: kind, name: name, file: self)
        }
    }

    /// Sets a string attribute on the object at `objectPath` (group or dataset).
    func setAttribute(_ key: String, _ value: String, on objectPath: String = "/") throws {
        try withHDF5 {
            let object = try check(H5Oopen(handle.id, objectPath, probe_h5p_default()), "open \(objectPath) in \(path)")
            defer { H5Oclose(object) }
            try writeStringAttribute(object: object, key: key, value: value, context: "\(objectPath) in \(path)")
        }
    }

    /// Sets an integer attribute on the object at `objectPath`.
    func setAttribute(_ key: String, _ value: Int64, on objectPath: String = "/") throws {
        try withHDF5 {
            let object = try check(H5Oopen(handle.id, objectPath, probe_h5p_default()), "open \(objectPath) in \(path)")
            defer { H5Oclose(object) }
            if H5Aexists(object, key) > 0 { H5Adelete(object, key) }
            let space = H5Handle(try check(H5Screate(H5S_SCALAR), "scalar dataspace"), .dataspace)
            let attribute = H5Handle(
                try check(H5Acreate2(object, key, probe_h5t_native_int64(), space.id, probe_h5p_default(), probe_h5p_default()),
                          "create attribute \(key) on \(objectPath)"), .attribute)
            var v = value
            try check(H5Awrite(attribute.id, probe_h5t_native_int64(), &v), "write attribute \(key) on \(objectPath)")
        }
    }

    /// Reads a string attribute, or nil if absent.
    func stringAttribute(_ key: String, on objectPath: String = "/") throws -> String? {
        try withHDF5 {
            let object = try check(H5Oopen(handle.id, objectPath, probe_h5p_default()), "open \(objectPath) in \(path)")
            defer { H5Oclose(object) }
            guard H5Aexists(object, key) > 0 else { return nil }
            let attribute = H5Handle(try check(H5Aopen(object, key, probe_h5p_default()), "open attribute \(key)"), .attribute)
            let type = H5Handle(try check(H5Tcopy(probe_h5t_c_s1()), "string type"), .datatype)
            try check(H5Tset_size(type.id, probe_h5t_variable()), "string type")
            try check(H5Tset_cset(type.id, H5T_CSET_UTF8), "string type")
            var pointer: UnsafeMutablePointer<CChar>? = nil
            try check(H5Aread(attribute.id, type.id, &pointer), "read attribute \(key) on \(objectPath)")
            defer { free(pointer) }
            guard let pointer else { return "" }
            return String(cString: pointer)
        }
    }

}

private func writeStringAttribute(object: hid_t, key: String, value: String, context: String) throws {
    if H5Aexists(object, key) > 0 { H5Adelete(object, key) }
    let type = H5Handle(try check(H5Tcopy(probe_h5t_c_s1()), "string type"), .datatype)
    try check(H5Tset_size(type.id, probe_h5t_variable()), "string type")
    try check(H5Tset_cset(type.id, H5T_CSET_UTF8), "string type")
    let space = H5Handle(try check(H5Screate(H5S_SCALAR), "scalar dataspace"), .dataspace)
    let attribute = H5Handle(
        try check(H5Acreate2(object, key, type.id, space.id, probe_h5p_default(), probe_h5p_default()),
                  "create attribute \(key) on \(context)"), .attribute)
    try value.withCString { cString in
        var pointer: UnsafePointer<CChar>? = cString
        try check(H5Awrite(attribute.id, type.id, &pointer), "write attribute \(key) on \(context)")
    }
}

/// A 2-D float32 dataset.
final class H5Dataset: Sendable {
    let handle: H5Handle
    let name: String
    let file: H5File

    init(handle: H5Handle, name: String, file: H5File) {
        self.handle = handle
        self.name = name
        self.file = file
    }

    /// The dataset's shape (rows, columns); a 1-D dataset has one column.
    func shape() throws -> (rows: Int, columns: Int) {
        try withHDF5 {
            let space = H5Handle(try check(H5Dget_space(handle.id), "dataspace of \(name)"), .dataspace)
            let rank = H5Sget_simple_extent_ndims(space.id)
            guard rank == 1 || rank == 2 else {
                throw HDF5Error(operation: "read \(name) in \(file.path)", stack: "expected a 1-D or 2-D dataset, found rank \(rank)")
            }
            var dims: [hsize_t] = [0, 0]
            H5Sget_simple_extent_dims(space.id, &dims, nil)
            return (Int(dims[0]), rank == 2 ? Int(dims[1]) : 1)
        }
    }

    /// Whether the stored element type is a floating-point type (any width; HDF5 converts on read).
    func isFloatingPoint() throws -> Bool {
        try withHDF5 {
            let type = H5Handle(try check(H5Dget_type(handle.id), "type of \(name)"), .datatype)
            return H5Tget_class(type.id) == H5T_FLOAT
        }
    }

    /// The file offset of the raw data when the dataset is contiguous, uncompressed, native float32 and allocated; nil otherwise.
    func contiguousFloat32Offset() -> Int? {
        withHDF5 {
            let dcpl = H5Dget_create_plist(handle.id)
            guard dcpl >= 0 else { return nil }
            defer { H5Pclose(dcpl) }
            guard H5Pget_layout(dcpl) == H5D_CONTIGUOUS, H5Pget_nfilters(dcpl) == 0 else { return nil }
            let type = H5Dget_type(handle.id)
            guard type >= 0 else { return nil }
            defer { H5Tclose(type) }
            guard H5Tequal(type, probe_h5t_native_float()) > 0 else { return nil }
            let offset = H5Dget_offset(handle.id)
            guard offset != probe_haddr_undef() else { return nil }
            return Int(offset)
        }
    }

    /// The dataset's storage layout, chunk shape, filter count and element type.
    func storedLayout() throws -> StoredLayout {
        try withHDF5 {
            let dcpl = H5Handle(try check(H5Dget_create_plist(handle.id), "properties of \(name)"), .propertyList)
            let kind: StoredLayout.Kind
            var chunkShape: [Int] = []
            switch H5Pget_layout(dcpl.id) {
            case H5D_CONTIGUOUS: kind = .contiguous
            case H5D_COMPACT: kind = .compact
            case H5D_CHUNKED:
                kind = .chunked
                var dims = [hsize_t](repeating: 0, count: 32)
                let rank = H5Pget_chunk(dcpl.id, 32, &dims)
                try check(herr_t(rank), "chunk shape of \(name)")
                chunkShape = dims.prefix(Int(rank)).map { Int($0) }
            default: kind = .other
            }
            let filters = Int(H5Pget_nfilters(dcpl.id))
            let type = H5Handle(try check(H5Dget_type(handle.id), "type of \(name)"), .datatype)
            let float32 = H5Tequal(type.id, probe_h5t_native_float()) > 0
            return StoredLayout(kind: kind, chunkShape: chunkShape, filterCount: filters, isNativeFloat32: float32)
        }
    }

    /// Where each stored chunk of a 2-D chunked dataset lies in the file, looked up by the
    /// chunk's coordinates (row `k × chunkRows`, column 0): one index lookup per chunk.
    /// Returns nil when a chunk is missing (never written) or the dataset is not chunked
    /// in whole rows, or the library cannot say.
    func storedChunks(rowCount: Int, chunkRows: Int) throws -> [StoredChunk]? {
        guard chunkRows > 0, rowCount > 0 else { return nil }
        return try withHDF5 {
            let space = H5Handle(try check(H5Dget_space(handle.id), "dataspace of \(name)"), .dataspace)
            var count: hsize_t = 0
            guard H5Dget_num_chunks(handle.id, space.id, &count) >= 0 else {
                _ = currentErrorStack()
                return nil
            }
            let expected = (rowCount + chunkRows - 1) / chunkRows
            guard Int(count) == expected else { return nil }
            var chunks: [StoredChunk] = []
            chunks.reserveCapacity(expected)
            for index in 0..<expected {
                let offset: [hsize_t] = [hsize_t(index * chunkRows), 0]
                var mask: UInt32 = 0
                var address: haddr_t = 0
                var size: hsize_t = 0
                guard H5Dget_chunk_info_by_coord(handle.id, offset, &mask, &address, &size) >= 0 else {
                    _ = currentErrorStack()
                    return nil
                }
                guard address != probe_haddr_undef(), size > 0 else { return nil }
                chunks.append(StoredChunk(firstRow: index * chunkRows, firstColumn: 0, fileOffset: Int(address), storedBytes: Int(size)))
            }
            return chunks
        }
    }

    /// Writes `rowCount` rows starting at `firstRow` from a row-major buffer.
    func writeRows(firstRow: Int, rowCount: Int, columns: Int, from buffer: UnsafeBufferPointer<Float>) throws {
        precondition(buffer.count >= rowCount * columns)
        try transferRows(firstRow: firstRow, rowCount: rowCount, columns: columns, verb: "write") { fileSpace, memorySpace in
            H5Dwrite(handle.id, probe_h5t_native_float(), memorySpace, fileSpace, probe_h5p_default(), buffer.baseAddress)
        }
    }

    /// Reads `rowCount` rows starting at `firstRow` into a row-major buffer.
    func readRows(firstRow: Int, rowCount: Int, columns: Int, into buffer: UnsafeMutableBufferPointer<Float>) throws {
        precondition(buffer.count >= rowCount * columns)
        try transferRows(firstRow: firstRow, rowCount: rowCount, columns: columns, verb: "read") { fileSpace, memorySpace in
            H5Dread(handle.id, probe_h5t_native_float(), memorySpace, fileSpace, probe_h5p_default(), buffer.baseAddress)
        }
    }

    /// Runs one `H5Dread`/`H5Dwrite` (`call(fileSpace, memorySpace)`) on a selection of whole rows.
    private func transferRows(firstRow: Int, rowCount: Int, columns: Int, verb: String,
                              _ call: (hid_t, hid_t) -> herr_t) throws {
        guard rowCount > 0 else { return }
        try withHDF5 {
            let (fileSpace, memorySpace) = try selection(firstRow: firstRow, rowCount: rowCount, columns: columns)
            try check(call(fileSpace.id, memorySpace.id),
                      "\(verb) rows \(firstRow)..<\(firstRow + rowCount) of \(name) in \(file.path)")
        }
    }

    private func selection(firstRow: Int, rowCount: Int, columns: Int) throws -> (H5Handle, H5Handle) {
        let fileSpace = H5Handle(try check(H5Dget_space(handle.id), "dataspace of \(name)"), .dataspace)
        let start: [hsize_t] = [hsize_t(firstRow), 0]
        let count: [hsize_t] = [hsize_t(rowCount), hsize_t(columns)]
        try check(H5Sselect_hyperslab(fileSpace.id, H5S_SELECT_SET, start, nil, count, nil), "select rows of \(name)")
        let memorySpace = H5Handle(try check(H5Screate_simple(2, count, nil), "memory dataspace"), .dataspace)
        return (fileSpace, memorySpace)
    }
}

/// A 1-D extendible dataset of int32 or UTF-8 strings, appended to block by block.
final class H5Column: Sendable {
    /// The element type of a column.
    enum Kind { case int32, string }
    let handle: H5Handle
    let type: H5Handle
    let kind: Kind
    let name: String
    let file: H5File

    init(handle: H5Handle, type: H5Handle, kind: Kind, name: String, file: H5File) {
        self.handle = handle
        self.type = type
        self.kind = kind
        self.name = name
        self.file = file
    }

    static func makeType(_ kind: Kind) throws -> H5Handle {
        switch kind {
        case .int32:
            return H5Handle(try check(H5Tcopy(probe_h5t_native_int32()), "int32 type"), .datatype)
        case .string:
            let type = H5Handle(try check(H5Tcopy(probe_h5t_c_s1()), "string type"), .datatype)
            try check(H5Tset_size(type.id, probe_h5t_variable()), "string type")
            try check(H5Tset_cset(type.id, H5T_CSET_UTF8), "string type")
            return type
        }
    }

    /// The number of elements.
    func count() throws -> Int {
        try withHDF5 {
            let space = H5Handle(try check(H5Dget_space(handle.id), "dataspace of \(name)"), .dataspace)
            var dims: [hsize_t] = [0]
            H5Sget_simple_extent_dims(space.id, &dims, nil)
            return Int(dims[0])
        }
    }

    private func append(count: Int, write: (hid_t, hid_t) throws -> Void) throws {
        guard count > 0 else { return }
        let old = try self.count()
        try withHDF5 {
            var newSize: [hsize_t] = [hsize_t(old + count)]
            try check(H5Dset_extent(handle.id, &newSize), "extend \(name) in \(file.path)")
            let fileSpace = H5Handle(try check(H5Dget_space(handle.id), "dataspace of \(name)"), .dataspace)
            let start: [hsize_t] = [hsize_t(old)]
            let size: [hsize_t] = [hsize_t(count)]
            try check(H5Sselect_hyperslab(fileSpace.id, H5S_SELECT_SET, start, nil, size, nil), "select in \(name)")
            let memorySpace = H5Handle(try check(H5Screate_simple(1, size, nil), "memory dataspace"), .dataspace)
            try write(memorySpace.id, fileSpace.id)
        }
    }

    /// Appends int32 values.
    func append(_ values: [Int32]) throws {
        try append(count: values.count) { memory, fileSpace in
            try check(H5Dwrite(handle.id, type.id, memory, fileSpace, probe_h5p_default(), values), "write \(name) in \(file.path)")
        }
    }

    /// Appends UTF-8 strings.
    func append(_ values: [String]) throws {
        // Keep C strings alive for the duration of the write.
        let cStrings = values.map { strdup($0) }
        defer { cStrings.forEach { free($0) } }
        let pointers: [UnsafePointer<CChar>?] = cStrings.map { UnsafePointer($0) }
        try append(count: values.count) { memory, fileSpace in
            try check(H5Dwrite(handle.id, type.id, memory, fileSpace, probe_h5p_default(), pointers), "write \(name) in \(file.path)")
        }
    }

    /// Reads int32 values in `range`.
    func readInt32(_ range: Range<Int>) throws -> [Int32] {
        var out = [Int32](repeating: 0, count: range.count)
        guard !range.isEmpty else { return out }
        try withHDF5 {
            let (fileSpace, memorySpace) = try select(range)
            try check(H5Dread(handle.id, probe_h5t_native_int32(), memorySpace.id, fileSpace.id, probe_h5p_default(), &out), "read \(name)")
        }
        return out
    }

    /// Reads strings in `range`.
    func readStrings(_ range: Range<Int>) throws -> [String] {
        guard !range.isEmpty else { return [] }
        return try withHDF5 {
            let (fileSpace, memorySpace) = try select(range)
            var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: range.count)
            try check(H5Dread(handle.id, type.id, memorySpace.id, fileSpace.id, probe_h5p_default(), &pointers), "read \(name)")
            defer { H5Dvlen_reclaim(type.id, memorySpace.id, probe_h5p_default(), &pointers) }
            return pointers.map { $0.map { String(cString: $0) } ?? "" }
        }
    }

    private func select(_ range: Range<Int>) throws -> (H5Handle, H5Handle) {
        let fileSpace = H5Handle(try check(H5Dget_space(handle.id), "dataspace of \(name)"), .dataspace)
        let start: [hsize_t] = [hsize_t(range.lowerBound)]
        let size: [hsize_t] = [hsize_t(range.count)]
        try check(H5Sselect_hyperslab(fileSpace.id, H5S_SELECT_SET, start, nil, size, nil), "select in \(name)")
        let memorySpace = H5Handle(try check(H5Screate_simple(1, size, nil), "memory dataspace"), .dataspace)
        return (fileSpace, memorySpace)
    }
}
