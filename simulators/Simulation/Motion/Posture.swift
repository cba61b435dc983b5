#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import DeviceProtocols

/// How the trunk lies, for a chest-worn sensor whose y axis points to the head, z out of the chest and x to the
/// wearer's left. At rest an accelerometer reads +1 g pointing up, so each posture is the direction of "up" in the
/// sensor's axes.
public enum Posture: Sendable, Hashable {
    /// Standing or sitting up, leaning forward about 5°.
    case upright
    /// Lying on the back.
    case supine
    /// Lying on the left side (90° from upright).
    case leftSide

    /// The reading at rest, 1 g.
    var gravity: Vector3 {
        switch self {
        case .upright: Vector3(x: 0, y: cos(5 * Double.pi / 180), z: sin(5 * Double.pi / 180))
        case .supine: Vector3(x: 0, y: 0, z: 1)
        case .leftSide: Vector3(x: 1, y: 0, z: 0)
        }
    }
}

/// A three-axis vector in g.
struct Vector3: Sendable, Hashable {
    var x: Double
    var y: Double
    var z: Double

    static let zero = Vector3(x: 0, y: 0, z: 0)

    static func + (a: Vector3, b: Vector3) -> Vector3 { Vector3(x: a.x + b.x, y: a.y + b.y, z: a.z + b.z) }
    static func * (a: Vector3, k: Double) -> Vector3 { Vector3(x: a.x * k, y: a.y * k, z: a.z * k) }

    var length: Double { (x * x + y * y + z * z).squareRoot() }

    /// The unit vector `fraction` of the way along the great circle from `a` to `b` (both unit vectors).
    static func slerp(_ a: Vector3, _ b: Vector3, _ fraction: Double) -> Vector3 {
        let cosine = max(-1, min(1, a.x * b.x + a.y * b.y + a.z * b.z))
        let angle = acos(cosine)
        guard angle > 1e-9 else { return a }
        let s = sin(angle)
        return a * (sin((1 - fraction) * angle) / s) + b * (sin(fraction * angle) / s)
    }

    var acceleration: Acceleration { Acceleration(x: x, y: y, z: z) }
}
