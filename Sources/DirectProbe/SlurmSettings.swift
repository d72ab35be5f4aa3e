import Foundation

/// The resources and placement of a Slurm job array: `#SBATCH` lines of `sweep.sbatch`.
public struct SlurmSettings: Sendable, Equatable {
    /// `--partition` (nil: the cluster's default partition).
    public var partition: String?
    /// `--time` per task, e.g. `2:00:00`.
    public var time: String
    /// `--mem` per task, e.g. `4G`.
    public var memory: String
    /// `--cpus-per-task`.
    public var cpusPerTask: Int
    /// The array's `%K`: at most this many tasks at once (nil: no limit).
    public var maxParallel: Int?
    /// `--account` (nil: the user's default account).
    public var account: String?
    /// Further `#SBATCH` arguments, one per line, e.g. `--qos=short`.
    public var extraArguments: [String] = []

    /// Creates settings.
    public init(partition: String? = nil, time: String, memory: String, cpusPerTask: Int, maxParallel: Int? = nil,
                account: String? = nil, extraArguments: [String] = []) {
        self.partition = partition
        self.time = time
        self.memory = memory
        self.cpusPerTask = cpusPerTask
        self.maxParallel = maxParallel
        self.account = account
        self.extraArguments = extraArguments
    }

    /// Defaults sized from one space (`points` × `dimension` float32) and the memory budget, if one is given.
    ///
    /// Memory: the budget plus 512 MiB when given, else three copies of the matrix (the mapped store,
    /// a scratch copy, working tables) plus 512 MiB, at least 1 GiB. Cores: 2 for small spaces,
    /// 4 up to 10⁸ values, 8 beyond. Time: 1 hour up to 20 000 points, 4 hours up to 100 000, 24 hours beyond
    /// (tangled spaces take longest; raise `--time` for those).
    public static func defaults(points: Int, dimension: Int, budgetBytes: Int?) -> SlurmSettings {
        let matrix = points * max(1, dimension) * MemoryLayout<Float>.size
        let mib = 1 << 20
        let bytes = max(1 << 30, (budgetBytes ?? 3 * matrix) + 512 * mib)
        let memory = "\((bytes + mib - 1) / mib)M"
        let values = points * dimension
        let cores = values < 10_000_000 ? 2 : (values < 100_000_000 ? 4 : 8)
        let time = points <= 20_000 ? "1:00:00" : (points <= 100_000 ? "4:00:00" : "24:00:00")
        return SlurmSettings(time: time, memory: memory, cpusPerTask: cores)
    }

    /// The probe memory budget that fits a `--mem` value: 80% of it (Slurm counts the page cache of the task's writes too).
    public var budgetForTasks: String? {
        guard let bytes = try? MemoryBudget(parsing: memory).bytes else { return nil }
        return "\(bytes * 8 / 10 / (1 << 20))M"
    }
}
