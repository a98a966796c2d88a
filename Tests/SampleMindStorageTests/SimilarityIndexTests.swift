import SampleMindStorage
import XCTest

final class SimilarityIndexTests: XCTestCase {
    private func segment(_ id: Int64, chroma: [Float], tempo: Double?, loudness: Double) -> Segment {
        var segment = Segment(startSeconds: 0, endSeconds: 10, startWallClock: 0, endWallClock: 10, tempoBPM: tempo,
                              tempoConfidence: 0.5, beatCount: 0, key: nil, keyConfidence: 0, loudnessLUFS: loudness,
                              loudnessRangeLU: nil, peakDBFS: -1, onsetRate: 1, centroidHz: 1_000, rolloffHz: 2_000, flatness: 0.1,
                              chroma: chroma, mfcc: [Float](repeating: 0, count: 13), closeReason: .maximumLength)
        segment.id = id
        return segment
    }

    func testNearest_ranksByTheDocumentedFeatureDistance() throws {
        let cMajor: [Float] = [1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0]
        let fSharp: [Float] = [0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0]
        let index = SimilarityIndex()
        index.add(segment(1, chroma: cMajor, tempo: 120, loudness: -14))
        index.add(segment(2, chroma: cMajor.map { $0 * 3 }, tempo: 120, loudness: -15))  // same harmony, louder chroma, 1 LU quieter
        index.add(segment(3, chroma: fSharp, tempo: 120, loudness: -14))                 // other harmony: distance √2
        index.add(segment(4, chroma: cMajor, tempo: 240, loudness: -14))                  // double tempo: distance 2
        let nearest = try XCTUnwrap(index.nearest(to: 1, k: 3))
        XCTAssertEqual(nearest.map(\.id), [2, 3, 4])
        XCTAssertEqual(nearest[0].distance, 0.05, accuracy: 1e-4, "1 LU is 1/20")
        XCTAssertEqual(nearest[1].distance, Float(2).squareRoot(), accuracy: 1e-4)
        XCTAssertEqual(nearest[2].distance, 2, accuracy: 1e-4)
        XCTAssertEqual(index.nearest(to: 1, k: 1)?.map(\.id), [2])
        XCTAssertNil(index.nearest(to: 99, k: 3))
    }
}
