/// 0 before `start`, 1 after `end`, a smooth S-curve between (smoothstep): how vitals move from one state to the
/// next without corners.
func ramp(_ t: Double, _ start: Double, _ end: Double) -> Double {
    guard t > start else { return 0 }
    guard t < end else { return 1 }
    let x = (t - start) / (end - start)
    return x * x * (3 - 2 * x)
}
