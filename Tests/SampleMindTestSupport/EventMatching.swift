/// How many of `detected` times fall within `tolerance` of a distinct `truth` time (greedy, in order).
public func matchCount(_ detected: [Double], _ truth: [Double], tolerance: Double) -> Int {
    var used = Set<Int>()
    var matches = 0
    for time in detected {
        if let index = truth.indices.first(where: { !used.contains($0) && abs(truth[$0] - time) <= tolerance }) {
            used.insert(index)
            matches += 1
        }
    }
    return matches
}

/// F-measure of `detected` against `truth` with the given tolerance (1 when both are empty).
public func fMeasure(_ detected: [Double], _ truth: [Double], tolerance: Double) -> Double {
    if detected.isEmpty && truth.isEmpty { return 1 }
    guard !detected.isEmpty, !truth.isEmpty else { return 0 }
    let matches = Double(matchCount(detected, truth, tolerance: tolerance))
    let precision = matches / Double(detected.count), recall = matches / Double(truth.count)
    return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
}
