import Foundation
import Testing

@testable import ProbeConfig

/// A copy of the bundled case `ss-small-l6/config.ini`.
let smallCaseConfig = """
    [run]
    comments = ss-small-l6
    output_path = results/

    [data]
    common = data
    label_set_path = ${common}/labels/tags.txt
    entities_path = ${common}/entities/train.txt
    test_entities_path = ${common}/entities/test.txt
    embeddings_path = ${common}/embeddings/all-MiniLM-L6-v2/train/0/6.txt
    test_embeddings_path = ${common}/embeddings/all-MiniLM-L6-v2/test/0/6.txt
    batch_embeddings_path = 

    [clustering]
    enable_cuda = True
    rate = 0.05
    mode = probing
    probing_cluster_path = 

    """

/// A complete config in `mode`, with `changes` replacing (or, with nil, removing) keys
/// named `section.key`.
private func config(mode: String = "probing", _ changes: [String: String?] = [:]) -> String {
    let base: [(String, [(String, String)])] = [
        ("run", [("output_path", "out/"), ("comments", "c")]),
        ("data", [
            ("label_set_path", "tags.txt"), ("entities_path", "train.txt"),
            ("embeddings_path", "train/6.txt"), ("batch_embeddings_path", "batch/"),
        ]),
        ("clustering", [("mode", mode), ("rate", "0.05"), ("probing_cluster_path", "clusters.txt")]),
    ]
    var text = ""
    for (section, keys) in base {
        text += "[\(section)]\n"
        for (key, value) in keys {
            let name = "\(section).\(key)"
            if let change = changes[name] {
                if let change { text += "\(key) = \(change)\n" }
            } else {
                text += "\(key) = \(value)\n"
            }
        }
    }
    return text
}

@Suite("ProbeConfiguration")
struct ProbeConfigurationTests {
    @Test("the bundled case's config.ini gives the typed settings")
    func smallCase() throws {
        let configuration = try ProbeConfiguration(INIFile(parsing: smallCaseConfig, path: "config.ini"))
        #expect(configuration.mode == .probing)
        #expect(configuration.outputPath == "results/")
        #expect(configuration.comments == "ss-small-l6")
        #expect(configuration.memory == nil)
        #expect(configuration.labelSetPath == "data/labels/tags.txt")
        #expect(configuration.entitiesPath == "data/entities/train.txt")
        #expect(configuration.embeddingsPath == "data/embeddings/all-MiniLM-L6-v2/train/0/6.txt")
        #expect(configuration.testEntitiesPath == "data/entities/test.txt")
        #expect(configuration.testEmbeddingsPath == "data/embeddings/all-MiniLM-L6-v2/test/0/6.txt")
        #expect(configuration.batchEmbeddingsPath == nil)
        #expect(configuration.probingClusterPath == nil)
        #expect(configuration.rate == 0.05)
        #expect(configuration.enableCUDA == true)
        #expect(configuration.allValues.count == 13)
        #expect(configuration.allValues.contains(
            INIFile.Entry(section: "data", key: "label_set_path", value: "data/labels/tags.txt")))
    }

    @Test("the reference repositories' own config.ini files load unchanged")
    func referenceConfigs() throws {
        let directProbe = try ProbeConfiguration(INIFile(parsing: directProbeConfig))
        #expect(directProbe.rate == 0.01)
        #expect(directProbe.embeddingsPath == "data/SS/embeddings/layers/train/12.txt")
        // Set although the mode is probing, which does not use it.
        #expect(directProbe.probingClusterPath == "results/SS/")
        #expect(directProbe.comments == nil)

        let closerLook = try ProbeConfiguration(INIFile(parsing: """
            [run]
            comments = [probing] SS-role
            output_path = results/SS/

            [data]
            common = ./data/SS

            label_set_path = ${common}/labels/tags.txt
            entities_path = ${common}/entities/train.txt
            test_entities_path = ${common}/entities/test.txt

            embeddings_path = ${common}/embeddings/ss-role-fine-tuned-bert-base-uncased/train/0/12.txt
            test_embeddings_path = ${common}/embeddings/ss-role-fine-tuned-bert-base-uncased/test/0/12.txt

            batch_embeddings_path = 


            [clustering]
            enable_cuda = True
            rate=0.05
            mode = probing
            probing_cluster_path = 
            """))
        #expect(closerLook.comments == "[probing] SS-role")
        #expect(closerLook.labelSetPath == "./data/SS/labels/tags.txt")
    }

    @Test("unknown keys and sections are ignored; run.memory passes through")
    func extraKeys() throws {
        let text = config() + "unknown_key = ${rate}\n[extra]\nanything = goes\n"
        let configuration = try ProbeConfiguration(INIFile(parsing: text.replacingOccurrences(
            of: "[data]", with: "memory = 1G\n[data]")))
        #expect(configuration.memory == "1G")
        #expect(configuration.allValues.contains(INIFile.Entry(section: "extra", key: "anything", value: "goes")))
        #expect(configuration.allValues.contains(INIFile.Entry(section: "clustering", key: "unknown_key", value: "0.05")))
    }

    @Test("keys may come from DEFAULT, in any case")
    func defaultsAndCase() throws {
        let text = "[DEFAULT]\nRATE = 0.2\n" + config(["clustering.rate": nil, "run.output_path": nil])
            .replacingOccurrences(of: "[run]\n", with: "[run]\nOutput_Path = o\n")
        let configuration = try ProbeConfiguration(INIFile(parsing: text))
        #expect(configuration.rate == 0.2)
        #expect(configuration.outputPath == "o")
    }

    @Test(
        "the three modes parse, each with what it needs",
        arguments: [
            ("probing", ProbeConfiguration.Mode.probing),
            ("prediction", .prediction),
            ("batch_probing", .batchProbing),
        ])
    func modes(text: String, mode: ProbeConfiguration.Mode) throws {
        let configuration = try ProbeConfiguration(INIFile(parsing: config(mode: text)))
        #expect(configuration.mode == mode)
        #expect(mode.description == text)
        #expect(configuration.probingClusterPath == "clusters.txt")
    }

    @Test("batch_probing does not need embeddings_path")
    func batchWithoutEmbeddings() throws {
        let configuration = try ProbeConfiguration(INIFile(parsing: config(
            mode: "batch_probing", ["data.embeddings_path": nil])))
        #expect(configuration.embeddingsPath == nil)
        #expect(configuration.batchEmbeddingsPath == "batch/")
    }

    @Test("an unknown mode is an error naming the value, the allowed ones and the line")
    func unknownMode() throws {
        let error = #expect(throws: InvalidConfigurationValueError.self) {
            try ProbeConfiguration(INIFile(parsing: config(mode: "Probing"), path: "config.ini"))
        }
        #expect(error?.key == "mode")
        #expect(error?.value == "Probing")
        #expect(error?.location?.line == 10)
        #expect(error?.description.hasPrefix("config.ini:10:8: [clustering] mode = 'Probing' is not valid") == true)
        #expect(error?.description.contains("probing, prediction, batch_probing") == true)
    }

    @Test(
        "a rate outside (0, 1) or not a number is an error naming the key and its line",
        arguments: ["0", "1", "1.5", "-0.05", "abc", "nan", "inf", "0.05 # step"])
    func badRate(rate: String) throws {
        let error = #expect(throws: InvalidConfigurationValueError.self) {
            try ProbeConfiguration(INIFile(parsing: config(["clustering.rate": rate]), path: "config.ini"))
        }
        #expect(error?.section == "clustering")
        #expect(error?.key == "rate")
        #expect(error?.location?.line == 11)
        #expect(error?.description.hasPrefix("config.ini:11:8: [clustering] rate = '\(rate)'") == true)
        #expect(error?.description.contains("between 0 and 1") == true)
        #expect(error?.description.contains("comment after a value") == rate.contains("#"))
    }

    @Test("rates inside (0, 1) parse", arguments: [("0.01", 0.01), ("5e-2", 0.05), (".5", 0.5), ("0.999", 0.999)])
    func goodRate(text: String, rate: Double) throws {
        let configuration = try ProbeConfiguration(INIFile(parsing: config(["clustering.rate": text])))
        #expect(configuration.rate == rate)
    }

    @Test(
        "enable_cuda parses as Python's getboolean",
        arguments: [
            ("1", true), ("yes", true), ("TRUE", true), ("On", true),
            ("0", false), ("No", false), ("false", false), ("OFF", false), ("", false),
        ])
    func enableCUDA(text: String, value: Bool) throws {
        let text = config() + "enable_cuda = \(text)\n"
        #expect(try ProbeConfiguration(INIFile(parsing: text)).enableCUDA == value)
    }

    @Test("enable_cuda absent is false; a non-boolean is an error naming the key")
    func enableCUDAErrors() throws {
        #expect(try ProbeConfiguration(INIFile(parsing: config())).enableCUDA == false)
        let error = #expect(throws: InvalidConfigurationValueError.self) {
            try ProbeConfiguration(INIFile(parsing: config() + "enable_cuda = maybe\n", path: "c.ini"))
        }
        #expect(error?.key == "enable_cuda")
        #expect(error?.description.hasPrefix("c.ini:13:15: [clustering] enable_cuda = 'maybe'") == true)
    }

    @Test(
        "a required key that is missing or empty is an error naming the section and key",
        arguments: [
            ("probing", "run", "output_path"),
            ("probing", "data", "label_set_path"),
            ("probing", "data", "entities_path"),
            ("probing", "data", "embeddings_path"),
            ("prediction", "data", "embeddings_path"),
            ("prediction", "clustering", "probing_cluster_path"),
            ("batch_probing", "clustering", "probing_cluster_path"),
            ("batch_probing", "data", "batch_embeddings_path"),
            ("probing", "clustering", "mode"),
            ("probing", "clustering", "rate"),
        ])
    func missingRequired(mode: String, section: String, key: String) throws {
        for change: String? in [nil, ""] {
            let error = #expect(throws: MissingConfigurationKeyError.self) {
                try ProbeConfiguration(INIFile(parsing: config(mode: mode, ["\(section).\(key)": change]), path: "c.ini"))
            }
            #expect(error?.section == section)
            #expect(error?.key == key)
            #expect(error?.isEmpty == (change != nil))
            #expect(error?.description.contains(change == nil ? "is missing" : "is empty") == true)
            if change == nil {
                #expect(error?.location == nil)
                #expect(error?.description.hasPrefix("c.ini: [\(section)] \(key) is required") == true)
            } else {
                // An empty value is pointed at.
                #expect(error?.location?.line != nil)
                #expect(error?.description.hasPrefix("c.ini:\(error?.location?.line ?? 0):") == true)
                #expect(error?.description.contains("[\(section)] \(key) is required") == true)
            }
        }
    }

    @Test("a mode-specific requirement names the mode; a missing section is named")
    func missingMessages() throws {
        let error = #expect(throws: MissingConfigurationKeyError.self) {
            try ProbeConfiguration(INIFile(parsing: config(mode: "prediction", ["clustering.probing_cluster_path": nil])))
        }
        #expect(error?.description.contains("required in mode 'prediction'") == true)

        let noRun = config().replacingOccurrences(of: "[run]\noutput_path = out/\ncomments = c\n", with: "")
        let sectionError = #expect(throws: MissingConfigurationKeyError.self) {
            try ProbeConfiguration(INIFile(parsing: noRun))
        }
        #expect(sectionError?.sectionExists == false)
        #expect(sectionError?.description.contains("the file has no [run] section") == true)
    }

    @Test("optional keys that are empty read as nil")
    func emptyOptionals() throws {
        let text = config(["run.comments": "", "data.batch_embeddings_path": ""])
        let configuration = try ProbeConfiguration(INIFile(parsing: text.replacingOccurrences(
            of: "[clustering]", with: "test_entities_path =\ntest_embeddings_path = \n[clustering]")))
        #expect(configuration.comments == nil)
        #expect(configuration.batchEmbeddingsPath == nil)
        #expect(configuration.testEntitiesPath == nil)
        #expect(configuration.testEmbeddingsPath == nil)
    }

    @Test("command-line overrides apply before the settings are checked")
    func overrides() throws {
        var file = try INIFile(parsing: smallCaseConfig)
        try file.setValue("prediction", forKey: "mode", in: "clustering")
        try file.setValue("${run:output_path}clusters.txt", forKey: "probing_cluster_path", in: "clustering")
        try file.setValue("other", forKey: "common", in: "data")
        let configuration = try ProbeConfiguration(file)
        #expect(configuration.mode == .prediction)
        #expect(configuration.probingClusterPath == "results/clusters.txt")
        #expect(configuration.entitiesPath == "other/entities/train.txt")

        try file.setValue("2", forKey: "rate", in: "clustering")
        let error = #expect(throws: InvalidConfigurationValueError.self) { try ProbeConfiguration(file) }
        #expect(error?.location == nil)
        #expect(error?.description.contains("set by an override") == true)
    }

    @Test("interpolation errors surface unchanged")
    func interpolationErrors() throws {
        let text = config(["data.entities_path": "${comon}/train.txt"])
        #expect(throws: InterpolationMissingKeyError.self) { try ProbeConfiguration(INIFile(parsing: text)) }
    }

    @Test("reading from a file")
    func fromFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("probe-config-\(UUID().uuidString).ini")
        try Data(smallCaseConfig.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try ProbeConfiguration(contentsOf: url).outputPath == "results/")
    }
}
