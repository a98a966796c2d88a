import Foundation
import SampleMindTestSupport
import XCTest

/// training/sources.py refuses a training manifest that names excluded material: the evaluation
/// corpus (by path or by contents), FluidR3 and MuseScore General soundfonts (by name, through a
/// symlink, or renamed), the excluded music21 scores, and soundfonts whose sha256 is not pinned on the
/// allowed list (whatever their name). It needs only the standard library, so the system's python3
/// runs it here.
final class TrainingDataRulesTests: XCTestCase {
    private static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("training/sources.py").path
    private var scratch: ScratchDirectory!

    override func setUpWithError() throws { scratch = try ScratchDirectory("samplemind-training-rules") }
    override func tearDown() { scratch.remove() }

    private func write(_ text: String, to name: String) throws -> String {
        let path = scratch.file(name)
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func sha256(_ path: String) throws -> String {
        let python = try ChildProcess(
            "/usr/bin/python3", ["-B", "-c", "import hashlib,sys;print(hashlib.sha256(open(sys.argv[1],'rb').read()).hexdigest())", path],
            label: "sha256", in: scratch)
        XCTAssertTrue(python.waitForExit(timeout: 30))
        return python.output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs the check on a manifest listing `sources` (path, resolved path) with their digests.
    private func check(_ sources: [(path: String, resolved: String)], corpus: String) throws -> (status: Int32, errors: String) {
        var entries: [[String: String]] = []
        for source in sources {
            entries.append(["path": source.path, "resolved_path": source.resolved,
                            "sha256": try sha256(FileManager.default.fileExists(atPath: source.path) ? source.path : source.resolved)])
        }
        let manifest = try JSONSerialization.data(withJSONObject: ["sources": entries, "outputs": []])
        let path = scratch.file("manifest-\(UUID().uuidString).json")
        try manifest.write(to: URL(fileURLWithPath: path))
        let python = try ChildProcess("/usr/bin/python3", ["-B", Self.script, path, corpus], label: "check", in: scratch)
        guard python.waitForExit(timeout: 60) else {
            python.stop()
            XCTFail("sources.py did not finish within 60 s")
            return (-1, "")
        }
        return (python.process.terminationStatus, python.errors)
    }

    func testCheck_whenTheSourcesAreAllowed_acceptsTheManifest() throws {
        let corpus = try write("truth", to: "corpus/real/a.json")
        let drum = try write("a kick drum sample", to: "kits/Kit/kick.wav")
        var sources = [(path: drum, resolved: drum)]
        // A pinned soundfont, where its Debian package (timgm6mb-soundfont) is installed.
        let font = "/usr/share/sounds/sf2/TimGM6mb.sf2"
        if FileManager.default.fileExists(atPath: font) { sources.append((path: font, resolved: font)) }
        // music21 scores other than the evaluation corpus's (Mozart's K. 156 beside the excluded K. 155).
        let score = try write("<score/>", to: "music21/corpus/mozart/k156/movement1.mxl")
        sources.append((path: score, resolved: score))
        let outcome = try check(sources, corpus: (corpus as NSString).deletingLastPathComponent)
        XCTAssertEqual(outcome.status, 0, outcome.errors)
    }

    func testCheck_whenAnExcludedSourceHidesAnywhere_refusesAndNamesIt() throws {
        let corpusFile = try write("a corpus recording", to: "corpus/real/song.flac")
        let corpus = scratch.file("corpus")
        let copied = try write("a corpus recording", to: "innocent/renamed.wav")
        let fluid = try write("FluidR3 instruments", to: "sf2/FluidR3_GM.sf2")
        let link = scratch.file("sf2/default-GM.sf2")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: fluid)
        let musescore = try write("MuseScore General", to: "sf2/MuseScore_General.sf3")
        let unlisted = try write("some other font", to: "sf2/Unknown.sf2")
        let impostor = try write("not the pinned TimGM6mb", to: "sf2/TimGM6mb.sf2")
        let bach = try write("<score/>", to: "music21/corpus/bach/bwv66.6.mxl")
        let chorale = try write("<score/>", to: "music21/corpus/essenFolksong/chorales.abc")
        let rag = try write("<score/>", to: "music21/corpus/joplin/maple_leaf_rag.mxl")
        let lindenbaum = try write("<score/>", to: "music21/corpus/schubert/Lindenbaum.xml")
        let k155 = try write("<score/>", to: "music21/corpus/mozart/k155/movement2.mxl")
        let cases: [(String, String, String)] = [
            (corpusFile, corpusFile, "a file of the evaluation corpus"),
            (copied, copied, "its contents are those of the evaluation corpus file"),
            (fluid, fluid, "a FluidR3 or MuseScore General soundfont"),
            (link, (fluid as NSString).resolvingSymlinksInPath, "a FluidR3 or MuseScore General soundfont"),
            (musescore, musescore, "a FluidR3 or MuseScore General soundfont"),
            (unlisted, unlisted, "a soundfont not on the allowed list"),
            (impostor, impostor, "a soundfont not on the allowed list"),
            (bach, bach, "an excluded music21 score"),
            (chorale, chorale, "an excluded music21 score"),
            (rag, rag, "an excluded music21 score"),
            (lindenbaum, lindenbaum, "an excluded music21 score"),
            (k155, k155, "an excluded music21 score"),
        ]
        let allowed = try write("a snare", to: "kits/Kit/snare.wav")
        for (path, resolved, reason) in cases {
            let outcome = try check([(allowed, allowed), (path, resolved)], corpus: corpus)
            XCTAssertEqual(outcome.status, 3, "\(path) must be refused: \(outcome.errors)")
            XCTAssertTrue(outcome.errors.contains("\(path): \(reason)"), "'\(outcome.errors)' should say '\(path): \(reason)'")
            XCTAssertFalse(outcome.errors.contains("\(allowed):"), "the allowed sample is not blamed")
        }
    }

    func testCheck_whenTheManifestListsNoSources_refusesIt() throws {
        let corpus = scratch.file("corpus")
        try FileManager.default.createDirectory(atPath: corpus, withIntermediateDirectories: true)
        let outcome = try check([], corpus: corpus)
        XCTAssertEqual(outcome.status, 3)
        XCTAssertTrue(outcome.errors.contains("lists no source files"), outcome.errors)
    }
}
