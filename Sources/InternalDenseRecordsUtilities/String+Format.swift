extension String {
    /// Formats with two decimals without Foundation's locale-dependent formatter.
    ///
    /// - Parameter value: A finite value; a negative one keeps its sign (`-0.50`).
    package init(format2 value: Double) {
        let scaled = (abs(value) * 100).rounded()
        let whole = Int(scaled / 100)
        let cents = Int(scaled.truncatingRemainder(dividingBy: 100))
        let sign = value < 0 && scaled > 0 ? "-" : ""
        self = "\(sign)\(whole).\(cents < 10 ? "0" : "")\(cents)"
    }
}
