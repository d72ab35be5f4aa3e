extension MergeHistory {
    /// The number of merges that merging every label to one cluster makes: the points less
    /// one per label that has points (the total of the "merge to end" progress bar).
    static func mergeCount(labels: [Int32]) -> Int {
        labels.count - Set(labels).count
    }
}
