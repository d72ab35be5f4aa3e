import Foundation
import Testing

import ProbeConfig

/// The DirectProbe repository's own `config.ini`, comments included.
let directProbeConfig = """
    [run]
    # The directory of outputs
    output_path = results/SS/

    [data]
    # the common directory path
    common = data/SS

    # the path of label set
    label_set_path = ${common}/labels/tags.txt
    # the path of training examples
    entities_path = ${common}/entities/train.txt
    # the path of training embeddings.
    embeddings_path = ${common}/embeddings/layers/train/12.txt
    # the path of test examples
    test_entities_path = ${common}/entities/test.txt
    # the path of test emebddings 
    test_embeddings_path = ${common}/embeddings/layers/test/12.txt

    [clustering]
    # If enable gpu
    enable_cuda = True

    # What is the step size when we check the overlapps
    # In most case, this setting does not need to be changed.
    rate=0.01

    # There are two modes: probing and prediction
    # probing mode: Apply the DirectProbe on the given training set and make predictions on the test set.
    mode = probing
    # mode = prediction

    # The path of pre-probed clusters.
    probing_cluster_path = results/SS/

    """

@Suite("INI parsing")
struct INIParsingTests {
    @Test("the reference's commented config.ini reads as Python reads it")
    func referenceConfig() throws {
        let file = try INIFile(parsing: directProbeConfig, path: "config.ini")
        #expect(file.sections == ["run", "data", "clustering"])
        #expect(file.keys(in: "data") == [
            "common", "label_set_path", "entities_path", "embeddings_path",
            "test_entities_path", "test_embeddings_path",
        ])
        #expect(try file.value("label_set_path", in: "data") == "data/SS/labels/tags.txt")
        #expect(try file.value("rate", in: "clustering") == "0.01")
        #expect(try file.value("enable_cuda", in: "clustering") == "True")
        // The commented-out second `mode` is not a duplicate key.
        #expect(try file.value("mode", in: "clustering") == "probing")
        #expect(file.path == "config.ini")
    }

    @Test("DEFAULT keys are visible in every section, after the section's own keys")
    func defaultSection() throws {
        let file = try INIFile(parsing: """
            [DEFAULT]
            base = /d
            shared = yes
            [a]
            own = 1
            shared = no
            [b]
            """)
        #expect(file.sections == ["a", "b"])
        #expect(!file.hasSection("DEFAULT"))
        #expect(file.keys(in: "a") == ["own", "shared", "base"])
        #expect(file.keys(in: "b") == ["base", "shared"])
        #expect(file.keys(in: "DEFAULT") == ["base", "shared"])
        #expect(file.keys(in: "missing") == [])
        #expect(try file.value("shared", in: "a") == "no")
        #expect(try file.value("shared", in: "b") == "yes")
        #expect(try file.value("base", in: "DEFAULT") == "/d")
        #expect(try file.value("base", in: "missing") == nil)
        #expect(try file.value("absent", in: "a") == nil)
        #expect(file.rawValue("absent", in: "a") == nil)
    }

    @Test("keys are case-insensitive, section names are not")
    func caseRules() throws {
        let file = try INIFile(parsing: """
            [Data]
            Output_PATH = x
            [data]
            output_path = y
            """)
        #expect(file.sections == ["Data", "data"])
        #expect(file.keys(in: "Data") == ["output_path"])
        #expect(try file.value("OUTPUT_path", in: "Data") == "x")
        #expect(try file.value("output_path", in: "data") == "y")
        #expect(try file.value("output_path", in: "DATA") == nil)
    }

    @Test("'=' and ':' delimit, the first one on the line wins")
    func delimiters() throws {
        let file = try INIFile(parsing: """
            [s]
            colon: value
            url = http://host:80/x
            path: a = b
            tight=1
            spaced   =    padded value\t
            empty =
            empty2:
            """)
        #expect(try file.value("colon", in: "s") == "value")
        #expect(try file.value("url", in: "s") == "http://host:80/x")
        #expect(try file.value("path", in: "s") == "a = b")
        #expect(try file.value("tight", in: "s") == "1")
        #expect(try file.value("spaced", in: "s") == "padded value")
        #expect(try file.value("empty", in: "s") == "")
        #expect(try file.value("empty2", in: "s") == "")
    }

    @Test("full-line comments are skipped, inline ones are part of the value")
    func comments() throws {
        let file = try INIFile(parsing: """
            # leading comment
            ; another
            [s]
              # indented comment
            \t; tab-indented comment
            a = 1 # not a comment
            b = x ; nor this
            c = #starts with hash
            """)
        #expect(file.keys(in: "s") == ["a", "b", "c"])
        #expect(try file.value("a", in: "s") == "1 # not a comment")
        #expect(try file.value("b", in: "s") == "x ; nor this")
        #expect(try file.value("c", in: "s") == "#starts with hash")
    }

    @Test("deeper-indented lines continue a value; inner blank lines stay, trailing ones go")
    func continuationLines() throws {
        let file = try INIFile(parsing: """
            [s]
            list = first
              second

              fourth
              # a comment inside does not end the value
            \tfifth
              [not a header]


            next = 2
              indented_key = 3
                more
            after = x
            tail = y


            """)
        #expect(try file.value("list", in: "s") == "first\nsecond\n\nfourth\nfifth\n[not a header]")
        #expect(try file.value("next", in: "s") == "2\nindented_key = 3\nmore")
        #expect(file.keys(in: "s") == ["list", "next", "after", "tail"])
        #expect(try file.value("tail", in: "s") == "y")
    }

    @Test("an indented key line sets the level its continuations must exceed")
    func indentedKeys() throws {
        let file = try INIFile(parsing: """
            [s]
              a = 1
              b = 2
                c
            """)
        #expect(try file.value("a", in: "s") == "1")
        #expect(try file.value("b", in: "s") == "2\nc")
    }

    @Test("an empty first line continues with an indented one")
    func emptyValueThenContinuation() throws {
        let file = try INIFile(parsing: "[s]\nkey =\n  line one\n  line two\n")
        #expect(try file.value("key", in: "s") == "\nline one\nline two")
    }

    @Test("a header runs to the last ']' and ignores what follows")
    func headerShapes() throws {
        let file = try INIFile(parsing: """
            [a]b] trailing
            k = 1
            [ spaced ]
            j = 2
            """)
        #expect(file.sections == ["a]b", " spaced "])
        #expect(try file.value("k", in: "a]b") == "1")
        #expect(try file.value("j", in: " spaced ") == "2")
    }

    @Test("CRLF and CR line endings read as LF")
    func lineEndings() throws {
        let file = try INIFile(parsing: "[s]\r\na = 1\r\n  b\r\nc = 2\rd = 3\r\n")
        #expect(try file.value("a", in: "s") == "1\nb")
        #expect(try file.value("c", in: "s") == "2")
        #expect(try file.value("d", in: "s") == "3")
    }

    @Test("locations point at the first character of the value and the header")
    func locations() throws {
        let file = try INIFile(parsing: "[s]\n  key =   value\nempty =\n", path: "f.ini")
        #expect(file.location(of: "KEY", in: "s") == SourceLocation(path: "f.ini", line: 2, column: 11))
        #expect(file.location(of: "empty", in: "s") == SourceLocation(path: "f.ini", line: 3, column: 8))
        #expect(file.location(ofSection: "s") == SourceLocation(path: "f.ini", line: 1, column: 1))
        #expect(file.location(of: "nope", in: "s") == nil)
        #expect(SourceLocation(path: "f.ini", line: 2, column: 11).description == "f.ini:2:11")
        #expect(SourceLocation(path: "f.ini", line: 2).description == "f.ini:2")
    }

    // MARK: - Errors

    @Test("a line before any header is an error naming file, line and text")
    func missingSectionHeader() throws {
        let error = #expect(throws: MissingSectionHeaderError.self) {
            try INIFile(parsing: "# comment\n\n  output_path = x\n[run]\n", path: "config.ini")
        }
        #expect(error?.location == SourceLocation(path: "config.ini", line: 3, column: 3))
        #expect(error?.description.hasPrefix("config.ini:3:3: ") == true)
        #expect(error?.description.contains("output_path = x") == true)
        #expect(error?.description.contains("[section] header") == true)
    }

    @Test(
        "a line that is neither header, key line, comment nor continuation is an error",
        arguments: [
            ("[run]\noutput_path\n", 2, 1, "no '=' or ':'"),
            ("[run]\na = 1\nb\n", 3, 1, "no '=' or ':'"),
            ("[run]\n  = value\n", 2, 3, "no key before '='"),
            ("[run]\n: value\n", 2, 1, "no key before ':'"),
            ("[run]\n[]\n", 2, 1, "no '=' or ':'"),
        ])
    func parsingErrors(text: String, line: Int, column: Int, phrase: String) throws {
        let error = #expect(throws: INIParsingError.self) {
            try INIFile(parsing: text, path: "c.ini")
        }
        #expect(error?.location == SourceLocation(path: "c.ini", line: line, column: column))
        #expect(error?.section == "run")
        #expect(error?.description.hasPrefix("c.ini:\(line):\(column): in [run]") == true)
        #expect(error?.description.contains(phrase) == true)
    }

    @Test("a repeated section header is an error naming both lines")
    func duplicateSection() throws {
        let error = #expect(throws: DuplicateSectionError.self) {
            try INIFile(parsing: "[data]\na = 1\n\n[run]\n[data]\n", path: "c.ini")
        }
        #expect(error?.section == "data")
        #expect(error?.location.line == 5)
        #expect(error?.firstLocation.line == 1)
        #expect(error?.description.contains("c.ini:5:1: section [data] already exists") == true)
        #expect(error?.description.contains("line 1") == true)
    }

    @Test("a repeated [DEFAULT] header is allowed, as in Python")
    func repeatedDefaultHeader() throws {
        let file = try INIFile(parsing: "[DEFAULT]\na = 1\n[s]\n[DEFAULT]\nb = 2\n")
        #expect(try file.value("b", in: "s") == "2")
    }

    @Test(
        "a key repeated in one section (in any case) is an error naming key, section and lines",
        arguments: [
            ("[s]\nrate = 1\nmode = x\nrate = 2\n", "s", 4, 2),
            ("[s]\nRate = 1\nRATE: 2\n", "s", 3, 2),
            ("[DEFAULT]\nrate = 1\n[s]\n[DEFAULT]\nrate = 2\n", "DEFAULT", 5, 2),
        ])
    func duplicateKey(text: String, section: String, line: Int, firstLine: Int) throws {
        let error = #expect(throws: DuplicateKeyError.self) {
            try INIFile(parsing: text, path: "c.ini")
        }
        #expect(error?.key == "rate")
        #expect(error?.section == section)
        #expect(error?.location.line == line)
        #expect(error?.firstLocation.line == firstLine)
        #expect(error?.description.contains("c.ini:\(line):1: key 'rate' in section [\(section)]") == true)
        #expect(error?.description.contains("line \(firstLine)") == true)
    }

    @Test("the same key in two sections is not a duplicate")
    func sameKeyTwoSections() throws {
        let file = try INIFile(parsing: "[a]\nk = 1\n[b]\nk = 2\n")
        #expect(try file.value("k", in: "a") == "1")
        #expect(try file.value("k", in: "b") == "2")
    }

    // MARK: - Files

    @Test("reading a file names it in errors and skips a byte-order mark")
    func readsFiles() throws {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("ProbeConfigTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        let good = folder.appendingPathComponent("config.ini")
        try Data("\u{FEFF}[run]\noutput_path = out\n".utf8).write(to: good)
        let file = try INIFile(contentsOf: good)
        #expect(file.path == good.path)
        #expect(try file.value("output_path", in: "run") == "out")

        let bad = folder.appendingPathComponent("bad.ini")
        try Data("[run]\nnot a key line\n".utf8).write(to: bad)
        let parseError = #expect(throws: INIParsingError.self) { try INIFile(contentsOf: bad) }
        #expect(parseError?.description.hasPrefix("\(bad.path):2:1: ") == true)

        let missing = folder.appendingPathComponent("missing.ini")
        let readError = #expect(throws: INIReadError.self) { try INIFile(contentsOf: missing) }
        #expect(readError?.path == missing.path)
        #expect(readError?.description.hasPrefix(missing.path) == true)

        let binary = folder.appendingPathComponent("binary.ini")
        try Data([0x5B, 0xFF, 0xFE, 0x5D]).write(to: binary)
        let encodingError = #expect(throws: INIReadError.self) { try INIFile(contentsOf: binary) }
        #expect(encodingError?.description.contains("UTF-8") == true)
    }

    // MARK: - Overrides

    @Test("an override replaces a value and is seen by references to it")
    func overrides() throws {
        var file = try INIFile(parsing: directProbeConfig)
        try file.setValue("other/SS", forKey: "COMMON", in: "data")
        #expect(try file.value("common", in: "data") == "other/SS")
        #expect(try file.value("label_set_path", in: "data") == "other/SS/labels/tags.txt")
        #expect(file.keys(in: "data").first == "common")
        #expect(file.location(of: "common", in: "data") == nil)

        try file.setValue("${data:common}/out", forKey: "output_path", in: "run")
        #expect(try file.value("output_path", in: "run") == "other/SS/out")

        try file.setValue("1G", forKey: "memory", in: "new")
        #expect(file.sections == ["run", "data", "clustering", "new"])
        #expect(try file.value("memory", in: "new") == "1G")

        try file.setValue("d", forKey: "fallback", in: "DEFAULT")
        #expect(try file.value("fallback", in: "run") == "d")

        let location = SourceLocation(path: "<command line>", line: 1)
        try file.setValue("$$5", forKey: "price", in: "run", location: location)
        #expect(try file.value("price", in: "run") == "$5")
        #expect(file.location(of: "price", in: "run") == location)
    }

    @Test("an override with a stray '$' is refused, as Python's set refuses it")
    func overrideSyntax() throws {
        var file = try INIFile(parsing: "[run]\n")
        let error = #expect(throws: InterpolationSyntaxError.self) {
            try file.setValue("a$b", forKey: "Output_Path", in: "run")
        }
        #expect(error?.key == "output_path")
        #expect(error?.section == "run")
        #expect(error?.description.contains("position 1") == true)
        #expect(error?.description.contains("override") == true)
        #expect(file.keys(in: "run") == [])

        for valid in ["$$", "${a}", "x$${y}", "${s:k}$$"] {
            #expect(throws: Never.self) { try file.setValue(valid, forKey: "k", in: "run") }
        }
        for invalid in ["$", "${}", "${a", "$$$", "a$"] {
            #expect(throws: InterpolationSyntaxError.self) { try file.setValue(invalid, forKey: "k", in: "run") }
        }
    }
}
