/// What the wearer does, segment after segment, in wall time.
public struct MotionScript: Sendable, Hashable {
    /// One kind of movement.
    public enum Activity: Sendable, Hashable {
        /// Not moving, in a posture.
        case still(Posture)
        /// Walking upright.
        case walking
        /// Changing posture on purpose, smoothly (lying down, getting up).
        case turning(from: Posture, to: Posture)
        /// Falling from upright onto the floor: a low-g phase while the trunk rotates, an impact, a bounce, then
        /// lying in `onto`. Takes ``MotionScript/fallDuration``.
        case falling(onto: Posture)
    }

    /// One activity for a while.
    public struct Segment: Sendable, Hashable {
        /// What the wearer does.
        public var activity: Activity
        /// For how long, in seconds.
        public var seconds: Double

        /// A segment as given.
        public init(_ activity: Activity, seconds: Double) {
            self.activity = activity
            self.seconds = seconds
        }
    }

    /// The segments in order.
    public var segments: [Segment]
    /// Whether the script starts over after its last segment; otherwise the last segment lasts for ever.
    public var repeats: Bool

    /// A script as given.
    public init(segments: [Segment], repeats: Bool) {
        self.segments = segments
        self.repeats = repeats
    }

    /// How long a fall takes, from the start of the low-g phase to lying still.
    public static let fallDuration = 1.5

    /// An ordinary day at home, repeating every 8 minutes: resting on the back, getting up, standing, walking for
    /// 90 s, standing, and lying down again. Nothing in it is a fall.
    public static let dailyLife = MotionScript(segments: [
        Segment(.still(.supine), seconds: 150),
        Segment(.turning(from: .supine, to: .upright), seconds: 3),
        Segment(.still(.upright), seconds: 30),
        Segment(.walking, seconds: 90),
        Segment(.still(.upright), seconds: 40),
        Segment(.turning(from: .upright, to: .supine), seconds: 3),
        Segment(.still(.supine), seconds: 164),
    ], repeats: true)

    /// In bed on the back throughout.
    public static let resting = MotionScript(segments: [Segment(.still(.supine), seconds: 60)], repeats: false)

    /// Standing 4 s, walking 16 s, standing 4 s, then a fall onto the left side at 24 s, lying there after.
    public static let fall = MotionScript(segments: [
        Segment(.still(.upright), seconds: 4),
        Segment(.walking, seconds: 16),
        Segment(.still(.upright), seconds: 4),
        Segment(.falling(onto: .leftSide), seconds: fallDuration),
        Segment(.still(.leftSide), seconds: 60),
    ], repeats: false)

    /// When the fall in ``fall`` starts, in seconds.
    public static let fallStart = 24.0

    /// The activity at `seconds` and how far into its segment.
    public func activity(at seconds: Double) -> (activity: Activity, offset: Double) {
        guard let last = segments.last else { return (.still(.upright), seconds) }
        let total = segments.reduce(0) { $0 + $1.seconds }
        var time = max(0, seconds)
        if repeats, total > 0 { time = time.truncatingRemainder(dividingBy: total) }
        var start = 0.0
        for segment in segments {
            if time < start + segment.seconds { return (segment.activity, time - start) }
            start += segment.seconds
        }
        return (last.activity, time - (start - last.seconds))
    }
}
