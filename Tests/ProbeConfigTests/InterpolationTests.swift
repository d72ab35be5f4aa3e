import Testing

@testable import ProbeConfig

@Suite("ExtendedInterpolation")
struct InterpolationTests {
    @Test("${key} reads the same section, then DEFAULT; the section's own key wins")
    func sameSectionAndDefault() throws {
        let file = try INIFile(parsing: """
            [DEFAULT]
            root = /r
            name = default
            [data]
            name = data
            common = ${root}/SS
            path = ${common}/${name}.txt
            """)
        #expect(try file.value("common", in: "data") == "/r/SS")
        #expect(try file.value("path", in: "data") == "/r/SS/data.txt")
        #expect(file.rawValue("path", in: "data") == "${common}/${name}.txt")
    }

    @Test("a DEFAULT value is expanded in the section that reads it, as in Python")
    func defaultValueUsesReadersSection() throws {
        let file = try INIFile(parsing: """
            [DEFAULT]
            out = results/${task}
            [a]
            task = A
            [b]
            task = B
            """)
        #expect(try file.value("out", in: "a") == "results/A")
        #expect(try file.value("out", in: "b") == "results/B")
        #expect(throws: InterpolationMissingKeyError.self) { try file.value("out", in: "DEFAULT") }
    }

    @Test("${section:key} reads another section (or DEFAULT); section names are case-sensitive")
    func crossSection() throws {
        let file = try INIFile(parsing: """
            [DEFAULT]
            shared = s
            [data]
            common = data/SS
            [run]
            out = ${data:common}/out
            fallback = ${data:shared}
            explicit = ${DEFAULT:shared}
            wrong_case = ${Data:common}
            """)
        #expect(try file.value("out", in: "run") == "data/SS/out")
        #expect(try file.value("fallback", in: "run") == "s")
        #expect(try file.value("explicit", in: "run") == "s")
        let error = #expect(throws: InterpolationMissingKeyError.self) {
            try file.value("wrong_case", in: "run")
        }
        #expect(error?.sectionExists == false)
        #expect(error?.description.contains("section [Data] does not exist") == true)
    }

    @Test("reference keys are case-insensitive but not trimmed")
    func referenceKeyCase() throws {
        let file = try INIFile(parsing: """
            [s]
            Common = c
            a = ${COMMON}
            b = ${ common }
            """)
        #expect(try file.value("a", in: "s") == "c")
        let error = #expect(throws: InterpolationMissingKeyError.self) { try file.value("b", in: "s") }
        #expect(error?.referencedKey == " common ")
    }

    @Test("$$ is a literal $, at every level of nesting")
    func escapedDollar() throws {
        let file = try INIFile(parsing: """
            [s]
            price = $$5
            literal = $${not_a_ref}
            nested = cost ${price}
            double = $$$$
            """)
        #expect(try file.value("price", in: "s") == "$5")
        #expect(try file.value("literal", in: "s") == "${not_a_ref}")
        #expect(try file.value("nested", in: "s") == "cost $5")
        #expect(try file.value("double", in: "s") == "$$")
    }

    @Test("references nest: each replacement is expanded in its own section")
    func nestedReferences() throws {
        let file = try INIFile(parsing: """
            [a]
            x = ${b:y}-a
            z = za
            [b]
            y = ${z}
            z = zb
            """)
        #expect(try file.value("x", in: "a") == "zb-a")
    }

    @Test("values across continuation lines are interpolated")
    func multiLine() throws {
        let file = try INIFile(parsing: "[s]\nbase = B\nlist = ${base}/1\n  ${base}/2\n")
        #expect(try file.value("list", in: "s") == "B/1\nB/2")
    }

    @Test("a missing key is an error naming the key, section, reference and line")
    func missingKey() throws {
        let file = try INIFile(parsing: """
            [data]
            common = data
            label_set_path = ${comon}/labels/tags.txt
            """, path: "config.ini")
        let error = #expect(throws: InterpolationMissingKeyError.self) {
            try file.value("label_set_path", in: "data")
        }
        #expect(error?.key == "label_set_path")
        #expect(error?.section == "data")
        #expect(error?.reference == "comon")
        #expect(error?.location == SourceLocation(path: "config.ini", line: 3, column: 18))
        #expect(error?.description.hasPrefix("config.ini:3:18: [data] label_set_path: '${comon}'") == true)
        #expect(error?.description.contains("key 'comon' is in neither [data] nor [DEFAULT]") == true)
    }

    @Test("a missing section is an error naming it")
    func missingSection() throws {
        let file = try INIFile(parsing: "[run]\nout = ${dat:common}\n", path: "c.ini")
        let error = #expect(throws: InterpolationMissingKeyError.self) { try file.value("out", in: "run") }
        #expect(error?.referencedSection == "dat")
        #expect(error?.description.hasPrefix("c.ini:2:7: [run] out: '${dat:common}'") == true)
        #expect(error?.description.contains("section [dat] does not exist") == true)
    }

    @Test("an error inside a referenced value names that value's key and line")
    func nestedErrorLocation() throws {
        let file = try INIFile(parsing: """
            [s]
            top = x ${middle}
            middle = a
              b ${missing}
            """, path: "c.ini")
        let error = #expect(throws: InterpolationMissingKeyError.self) { try file.value("top", in: "s") }
        #expect(error?.key == "middle")
        #expect(error?.location == SourceLocation(path: "c.ini", line: 4, column: 5))
    }

    @Test(
        "a '$' that starts neither '$$' nor '${...}' is a syntax error naming key, section and column",
        arguments: [
            ("a = cost $5", 10, "'$' must be followed by '$' or '{'"),
            ("a = trailing $", 14, "'$' must be followed by '$' or '{'"),
            ("a = ${unclosed", 5, "bad interpolation variable reference"),
            ("a = x${}", 6, "bad interpolation variable reference"),
            ("a = ${s:k:extra}", 5, "more than one ':'"),
        ])
    func syntaxErrors(line: String, column: Int, phrase: String) throws {
        let file = try INIFile(parsing: "[s]\nk = v\n" + line + "\n", path: "c.ini")
        let error = #expect(throws: InterpolationSyntaxError.self) { try file.value("A", in: "s") }
        #expect(error?.key == "a")
        #expect(error?.section == "s")
        #expect(error?.location == SourceLocation(path: "c.ini", line: 3, column: column))
        #expect(error?.description.hasPrefix("c.ini:3:\(column): [s] a: ") == true)
        #expect(error?.description.contains(phrase) == true)
        // Reading the file succeeds: Python checks the syntax only when a value is read.
        #expect(try file.value("k", in: "s") == "v")
    }

    @Test("a reference cycle is an error naming the key and the cycle")
    func cycles() throws {
        let file = try INIFile(parsing: """
            [s]
            self = ${self}
            a = ${b}
            b = x${t:c}
            [t]
            c = ${s:a}
            """, path: "c.ini")
        let selfError = #expect(throws: InterpolationDepthError.self) { try file.value("self", in: "s") }
        #expect(selfError?.isCycle == true)
        #expect(selfError?.key == "self")
        #expect(selfError?.location?.line == 2)
        #expect(selfError?.description.contains("[s] self -> [s] self") == true)

        let error = #expect(throws: InterpolationDepthError.self) { try file.value("a", in: "s") }
        #expect(error?.isCycle == true)
        #expect(error?.chain == ["[s] a", "[s] b", "[t] c", "[s] a"])
        #expect(error?.description.hasPrefix("c.ini:6:5: [s] a: ") == true)
        #expect(error?.description.contains("cycle: [s] a -> [s] b -> [t] c -> [s] a") == true)
    }

    /// `k0 = ${k1}`, …, `k{n-1} = ${kn}`, `kn = last`.
    private func chain(_ n: Int, last: String) throws -> INIFile {
        var text = "[s]\n"
        for i in 0..<n { text += "k\(i) = ${k\(i + 1)}\n" }
        text += "k\(n) = \(last)\n"
        return try INIFile(parsing: text)
    }

    @Test("references nest at most 10 levels, as Python's MAX_INTERPOLATION_DEPTH")
    func depthLimit() throws {
        #expect(try chain(10, last: "end").value("k0", in: "s") == "end")
        let error = #expect(throws: InterpolationDepthError.self) { try chain(11, last: "end").value("k0", in: "s") }
        #expect(error?.isCycle == false)
        #expect(error?.key == "k0")
        #expect(error?.chain.last == "[s] k10")
        #expect(error?.description.contains("more than 10 levels") == true)
        // A referenced value holding only "$$" still counts as a level, as in Python.
        #expect(try chain(9, last: "$$").value("k0", in: "s") == "$")
        #expect(throws: InterpolationDepthError.self) { try chain(10, last: "$$").value("k0", in: "s") }
    }

    @Test("every value, with its interpolation, for the log")
    func allValues() throws {
        let file = try INIFile(parsing: "[DEFAULT]\nr = /r\n[a]\nx = ${r}/x\n[b]\n")
        #expect(try file.allValues() == [
            INIFile.Entry(section: "DEFAULT", key: "r", value: "/r"),
            INIFile.Entry(section: "a", key: "x", value: "/r/x"),
        ])
        #expect(try file.allValues().last?.description == "[a] x = /r/x")
        let broken = try INIFile(parsing: "[a]\nx = ${nope}\n")
        #expect(throws: InterpolationMissingKeyError.self) { try broken.allValues() }
    }
}
