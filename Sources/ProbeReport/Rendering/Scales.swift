import Foundation

/// A linear map from data values to pixels.
struct LinearScale {
    let domain: (Double, Double)
    let range: (Double, Double)

    func callAsFunction(_ value: Double) -> Double {
        let span = domain.1 - domain.0
        guard span != 0 else { return range.0 }
        return range.0 + (value - domain.0) / span * (range.1 - range.0)
    }
}

/// Round tick values covering `0...maximum`: 1, 2 or 5 times a power of ten, about `count` of them.
func niceTicks(maximum: Double, count: Int = 5) -> (ticks: [Double], top: Double, step: Double) {
    guard maximum > 0, maximum.isFinite else { return ([0, 1], 1, 1) }
    let rough = maximum / Double(max(1, count))
    let power = pow(10, floor(log10(rough)))
    let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= rough } ?? 10 * power
    let top = (maximum / step).rounded(.up) * step
    let ticks = stride(from: 0, through: top + step / 2, by: step).map { $0 }
    return (ticks, top, step)
}

/// Colours for categories: Tableau 10 then its light partners; beyond 20, dashes tell series apart.
enum Palette {
    static let categorical = [
        "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
        "#1f77b4", "#aec7e8", "#ff7f0e", "#98df8a", "#d62728", "#c5b0d5", "#8c564b", "#e377c2", "#7f7f7f", "#17becf",
    ]

    static func color(_ index: Int) -> String { categorical[index % categorical.count] }

    /// A dash pattern for series past the palette's length (nil for solid).
    static func dash(_ index: Int) -> String? {
        switch (index / categorical.count) % 3 {
        case 0: return nil
        case 1: return "6 3"
        default: return "2 2"
        }
    }

    /// The three per-label measures.
    static let insideMean = "#4e79a7"
    static let insideMax = "#a0cbe8"
    static let outsideMin = "#e15759"

    /// Viridis, sampled at 9 points, dark (small) to light (large).
    static let viridis: [(Double, Double, Double)] = [
        (68, 1, 84), (71, 44, 122), (59, 81, 139), (44, 113, 142), (33, 144, 141),
        (39, 173, 129), (92, 200, 99), (170, 220, 50), (253, 231, 37),
    ]

    /// The colour of `t` in `0...1` on the sequential scale.
    static func sequential(_ t: Double) -> String {
        let clamped = min(1, max(0, t.isFinite ? t : 0))
        let position = clamped * Double(viridis.count - 1)
        let lower = min(viridis.count - 2, Int(position))
        let f = position - Double(lower)
        let (a, b) = (viridis[lower], viridis[lower + 1])
        func mix(_ x: Double, _ y: Double) -> Int { Int((x + (y - x) * f).rounded()) }
        return String(format: "#%02x%02x%02x", mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
    }

    /// Whether text on the sequential colour of `t` should be light.
    static func prefersLightText(_ t: Double) -> Bool { t < 0.55 }
}
