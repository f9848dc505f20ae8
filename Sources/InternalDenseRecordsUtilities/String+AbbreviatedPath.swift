extension String {
    /// The longest a path is shown in a message, in characters, by default.
    package static let abbreviatedPathLength = 120

    /// The path as error messages show it: whole if short, else its last
    /// `limit` - 1 characters after a leading "…".
    ///
    /// The end of a path (the file name and the folders nearest it) is what
    /// tells a reader which file is meant, so that is what is kept.
    ///
    /// - Parameters:
    ///   - path: A path as given.
    ///   - limit: The most characters the result has; at least 2.
    /// - Complexity: O(*n*) in the path's length.
    package init(abbreviatingPath path: String, limit: Int = String.abbreviatedPathLength) {
        let limit = Swift.max(limit, 2)
        guard path.count > limit else {
            self = path
            return
        }
        self = "…" + path.suffix(limit - 1)
    }
}
