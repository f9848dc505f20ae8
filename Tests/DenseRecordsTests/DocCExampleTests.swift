import DenseRecords
import DenseRecordsTestSupport
import Foundation
import Testing

// Every ```swift block of every DocC article under Sources/*/*.docc is type-checked
// here by a child `swiftc -typecheck` against the modules this test run was built
// with, so an article added later is covered without touching this file.
//
// How a block is compiled: it becomes the `main.swift` of a one-file program that
// imports DenseRecords and Foundation. Its `import` lines and its declarations that
// start in column 0 (`extension`, `final class`, `struct`, `func`, …) go to file
// scope; its other lines run inside `do { … }`, after the shared context below,
// which defines the values articles use without declaring them (`arena`, `path`,
// `specData`, `configuration`, `LegacyReadingFeed`). A block may shadow them.
//
// An article that needs more context puts it in an HTML comment right before the
// block; DocC does not render it:
//
//     <!-- example-context
//     let store = RecordArena()
//     -->

/// One ```swift block of an article.
struct DocCExample: CustomStringConvertible {
    var article: String
    var line: Int
    var code: String
    var context: String

    var description: String { "\(article):\(line)" }

    /// The program the block becomes.
    var program: String {
        var imports = ["import DenseRecords", "import Foundation"]
        var declarations: [String] = []
        var statements: [String] = []
        var depth = 0
        var inDeclaration = false
        let starts = ["extension ", "struct ", "final class ", "class ", "enum ", "protocol ", "actor ", "func ", "@", "public ",
                      "private ", "fileprivate "]
        for line in code.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if depth == 0, line.hasPrefix("import ") {
                imports.append(line)
                continue
            }
            if depth == 0 { inDeclaration = starts.contains { line.hasPrefix($0) } }
            depth += line.filter { $0 == "{" }.count - line.filter { $0 == "}" }.count
            if inDeclaration { declarations.append(line) } else { statements.append(line) }
        }
        return imports.joined(separator: "\n") + "\n\n" + DocCExample.sharedContext + "\n" + context + "\n\n"
            + declarations.joined(separator: "\n") + "\n\ndo {\n" + statements.joined(separator: "\n") + "\n}\n"
    }

    /// Values the articles' fragments use without declaring them.
    static let sharedContext = """
        let arena = RecordArena()
        let path = NSTemporaryDirectory() + "/docc-example.drsnap"
        let specData = Data()
        struct Configuration { var auditCapacity = 4_096 }
        let configuration = Configuration()

        /// A reader written without the pipeline in mind, for the retroactive-conformance example.
        final class LegacyReadingFeed {
            let url: String
            init(url: String) { self.url = url }
            func nextBatch(into batch: inout RecordBatch) async throws -> Bool { false }
        }
        """

    /// Every ```swift block of every article under `Sources/*/*.docc`.
    static func all() throws -> [DocCExample] {
        let sources = repositoryRoot.appendingPathComponent("Sources").path
        var examples: [DocCExample] = []
        let manager = FileManager.default
        for module in try manager.contentsOfDirectory(atPath: sources).sorted() {
            let modulePath = sources + "/" + module
            for catalog in (try? manager.contentsOfDirectory(atPath: modulePath))?.sorted() ?? [] where catalog.hasSuffix(".docc") {
                let catalogPath = modulePath + "/" + catalog
                for article in try manager.subpathsOfDirectory(atPath: catalogPath).sorted() where article.hasSuffix(".md") {
                    let name = "Sources/\(module)/\(catalog)/\(article)"
                    examples += blocks(in: readTextFile(catalogPath + "/" + article), article: name)
                }
            }
        }
        return examples
    }

    /// The ```swift blocks of one article, with the context comment before each.
    static func blocks(in text: String, article: String) -> [DocCExample] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var examples: [DocCExample] = []
        var index = 0
        var pendingContext = ""
        while index < lines.count {
            let trimmed = lines[index].trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("<!-- example-context") {
                var context: [String] = []
                index += 1
                while index < lines.count, !lines[index].contains("-->") {
                    context.append(lines[index])
                    index += 1
                }
                pendingContext = context.joined(separator: "\n")
            } else if trimmed == "```swift" {
                let start = index + 1
                var body: [String] = []
                index += 1
                while index < lines.count, lines[index].trimmingCharacters(in: .whitespaces) != "```" {
                    body.append(lines[index])
                    index += 1
                }
                let indent = lines[start - 1].prefix { $0 == " " }.count
                let code = body.map { String($0.dropFirst(min(indent, $0.prefix { $0 == " " }.count))) }.joined(separator: "\n")
                examples.append(DocCExample(article: article, line: start, code: code, context: pendingContext))
                pendingContext = ""
            } else if !trimmed.isEmpty {
                pendingContext = ""
            }
            index += 1
        }
        return examples
    }
}

/// What a child `swiftc -typecheck` of one program printed, and whether it passed.
func typecheck(_ program: String, in folder: ScratchFolder) throws -> (passed: Bool, output: String) {
    let build = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let modules = build.appendingPathComponent("Modules").path
    #expect(FileManager.default.fileExists(atPath: modules), "no Modules folder beside the test bundle: \(modules)")
    var arguments = ["swiftc", "-typecheck", "-swift-version", "6", "-suppress-warnings", "-I", modules,
                     "-module-cache-path", folder.file("module-cache")]
    let manager = FileManager.default
    for entry in (try? manager.contentsOfDirectory(atPath: build.path)) ?? [] where entry.hasSuffix(".build") {
        let map = build.path + "/" + entry + "/module.modulemap"
        if manager.fileExists(atPath: map) { arguments += ["-Xcc", "-fmodule-map-file=" + map] }
    }
    let sources = repositoryRoot.appendingPathComponent("Sources").path
    for target in try manager.contentsOfDirectory(atPath: sources) {
        let targetPath = sources + "/" + target
        if manager.fileExists(atPath: targetPath + "/include") { arguments += ["-Xcc", "-I" + targetPath + "/include"] }
        if manager.fileExists(atPath: targetPath + "/module.modulemap") { arguments += ["-I", targetPath] }
    }
    let source = folder.file("main.swift")
    try program.write(toFile: source, atomically: true, encoding: .utf8)
    arguments.append(source)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let output = folder.file("swiftc.out")
    _ = manager.createFile(atPath: output, contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
    process.waitUntilExit()
    try handle.close()
    return (process.terminationStatus == 0, readTextFile(output))
}

@Suite("DocC examples", .serialized)
struct DocCExampleTests {
    @Test("The articles have Swift examples to check")
    func articlesHaveExamples() throws {
        let examples = try DocCExample.all()
        #expect(examples.count >= 8, "found only \(examples.map(\.description))")
        #expect(Set(examples.map(\.article)).count >= 5)
    }

    @Test("Every ```swift block of every DocC article type-checks against this build")
    func everyExampleCompiles() throws {
        let folder = try ScratchFolder()
        for example in try DocCExample.all() {
            let result = try typecheck(example.program, in: folder)
            #expect(result.passed, "\(example) does not compile:\n\(result.output.prefix(3_000))\n--- program ---\n\(example.program)")
        }
    }

    @Test("The checker catches a broken example")
    func checkerCanFail() throws {
        let folder = try ScratchFolder()
        let broken = DocCExample.blocks(in: "```swift\nlet x: Int = RecordArena()\n```\n", article: "inline")
        let result = try typecheck(try #require(broken.first).program, in: folder)
        #expect(!result.passed)
        #expect(result.output.contains("cannot convert"), "\(result.output.prefix(1_000))")
    }

    @Test("Hoisting: imports and column-0 declarations leave the do block; context comments are read")
    func hoisting() throws {
        let text = """
            <!-- example-context
            let store = RecordArena()
            -->

            ```swift
            import Foundation
            extension LegacyReadingFeed: RecordSource {}
            final class A {
                init() {}
            }
            let a = A()
            ```
            """
        let example = try #require(DocCExample.blocks(in: text, article: "inline").first)
        #expect(example.context == "let store = RecordArena()")
        let program = example.program
        let body = try #require(program.range(of: "do {\n"))
        #expect(program[..<body.lowerBound].contains("extension LegacyReadingFeed: RecordSource {}"))
        #expect(program[..<body.lowerBound].contains("final class A {\n    init() {}\n}"))
        #expect(program[body.upperBound...].contains("let a = A()"))
        #expect(!program[body.upperBound...].contains("import"))
    }

    /// The retroactive-conformance example of BuildingPipelines.md, which must validate a spec that uses it.
    static let legacyExample = """
        // A reader from another module that already has the right methods.
        extension LegacyReadingFeed: RecordSource {}

        var registry = ComponentRegistry.builtIn
        try registry.register(
            "legacy-feed", role: .source, parameters: [.required("url", .string, "where the feed reads from")]
        ) { parameters in
            LegacyReadingFeed(url: try parameters.string("url"))
        }
        """

    @Test("The retroactive-conformance example runs: a spec using it validates, builds and runs")
    func retroactiveConformanceRuns() async throws {
        let examples = try DocCExample.all().filter { $0.article.hasSuffix("BuildingPipelines.md") }
        #expect(examples.contains { $0.code == Self.legacyExample }, "BuildingPipelines.md no longer shows this example")
        // The example's registration, run.
        var registry = ComponentRegistry.builtIn
        try registry.register(
            "legacy-feed", role: .source, parameters: [.required("url", .string, "where the feed reads from")]
        ) { parameters in
            DocCLegacyReadingFeed(url: try parameters.string("url"))
        }
        let spec = Data("""
            { "source": { "component": "legacy-feed", "parameters": { "url": "https://sensors.example/feed" } },
              "sinks": [ { "component": "arena", "name": "memory" } ] }
            """.utf8)
        let builder = PipelineBuilder(registry: registry)
        #expect(builder.validate(spec).isEmpty, "\(builder.validate(spec))")
        let pipeline = try builder.build(spec)
        let summary = try await pipeline.run()
        #expect(summary.recordsOut == 3)
        #expect(try pipeline.output(of: "memory", as: SealedRecords.self).count == 3)
    }
}

/// The shared context's `LegacyReadingFeed`, with three readings to deliver.
final class DocCLegacyReadingFeed {
    let url: String
    var delivered = false
    init(url: String) { self.url = url }
    func nextBatch(into batch: inout RecordBatch) async throws -> Bool {
        guard !delivered else { return false }
        delivered = true
        for i in 0..<3 {
            batch.append(SensorRecord(sensorID: 1, timestampNanoseconds: Int64(i), value: 20, unit: .celsius))
        }
        return false
    }
}

extension DocCLegacyReadingFeed: RecordSource {}

/// Checks that `article` has `blockCount` Swift blocks and that every line of
/// them is in `suiteFile`, so that a suite which runs an article's examples
/// cannot drift from the article.
func expectEveryLine(ofArticle article: String, blockCount: Int, isIn suiteFile: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let text = readTextFile(repositoryRoot.appendingPathComponent(article).path)
    let blocks = DocCExample.blocks(in: text, article: article)
    #expect(blocks.count == blockCount, "the suite runs \(blockCount) blocks; update it with the article", sourceLocation: sourceLocation)
    let here = Set(readTextFile(suiteFile).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
    for block in blocks {
        for line in block.code.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) where !line.isEmpty {
            #expect(here.contains(line), "\(block): `\(line)` is not run by this suite", sourceLocation: sourceLocation)
        }
    }
}
