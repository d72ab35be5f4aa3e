import Foundation
import ProbeStore

/// The text of the `sbatch` scripts of a sweep or batch: a job array with one task per space, and a finish job.
///
/// Paths are absolute (tasks start wherever Slurm puts them; `--chdir` restores the working
/// directory the config's relative paths assume). Every task runs the same `probe` binary on
/// the same read-only inputs and writes only its own result folder.
public enum SlurmScript {
    /// The job array: one task per index, each running `taskCommand` followed by `--only $SLURM_ARRAY_TASK_ID`.
    ///
    /// - Parameters:
    ///   - taskCommand: the command words (quoted here), e.g. `[probe, "sweep", "--config", …]`.
    ///   - threadsFromSlurm: append `--threads ${SLURM_CPUS_PER_TASK}`.
    public static func array(name: String, indices: [Int], settings: SlurmSettings, workingDirectory: String,
                             logFolder: String, taskCommand: [String]) -> String {
        var lines = ["#!/bin/bash", "# Written by probe \(ProbeVersion.string): one array task per space (index = the space's position in the sweep).",
                     "#SBATCH --job-name=\(name)",
                     "#SBATCH --array=\(ranges(indices))\(settings.maxParallel.map { "%\($0)" } ?? "")",
                     "#SBATCH --output=\(logFolder)/\(name)-%A_%a.log",
                     "#SBATCH --chdir=\(workingDirectory)",
                     "#SBATCH --ntasks=1",
                     "#SBATCH --cpus-per-task=\(settings.cpusPerTask)",
                     "#SBATCH --mem=\(settings.memory)",
                     "#SBATCH --time=\(settings.time)"]
        lines += placement(settings)
        lines += ["set -euo pipefail",
                  "echo \"probe task $SLURM_ARRAY_TASK_ID of job $SLURM_ARRAY_JOB_ID on $(hostname) at $(date -u +%FT%TZ)\"",
                  "exec " + taskCommand.map(quote).joined(separator: " ") + " --only \"$SLURM_ARRAY_TASK_ID\" --threads \"${SLURM_CPUS_PER_TASK:-1}\"",
                  ""]
        return lines.joined(separator: "\n")
    }

    /// The finish job: runs `command` once the array is done (`afterok`; cancelled if a task failed).
    public static func finish(name: String, settings: SlurmSettings, dependency: String?, workingDirectory: String,
                              logFolder: String, command: [String]) -> String {
        var lines = ["#!/bin/bash", "# Written by probe \(ProbeVersion.string): assembles the results once every array task succeeded.",
                     "#SBATCH --job-name=\(name)",
                     "#SBATCH --output=\(logFolder)/\(name)-%j.log",
                     "#SBATCH --chdir=\(workingDirectory)",
                     "#SBATCH --ntasks=1",
                     "#SBATCH --cpus-per-task=1",
                     "#SBATCH --mem=1G",
                     "#SBATCH --time=\(settings.time)"]
        if let dependency {
            lines += ["#SBATCH --dependency=afterok:\(dependency)", "#SBATCH --kill-on-invalid-dep=yes"]
        } else {
            lines.append("# Submit after the array: sbatch --dependency=afterok:<array job id> --kill-on-invalid-dep=yes finish.sbatch")
        }
        lines += placement(settings)
        lines += ["set -euo pipefail", "exec " + command.map(quote).joined(separator: " "), ""]
        return lines.joined(separator: "\n")
    }

    private static func placement(_ settings: SlurmSettings) -> [String] {
        var lines: [String] = []
        if let partition = settings.partition { lines.append("#SBATCH --partition=\(partition)") }
        if let account = settings.account { lines.append("#SBATCH --account=\(account)") }
        lines += settings.extraArguments.map { "#SBATCH \($0)" }
        return lines
    }

    /// Sorted indices as Slurm array ranges: `[0, 1, 2, 5, 7, 8]` → `0-2,5,7-8`.
    public static func ranges(_ indices: [Int]) -> String {
        var parts: [String] = []
        var sorted = Array(Set(indices)).sorted()[...]
        while let first = sorted.first {
            var last = first
            sorted = sorted.dropFirst()
            while let next = sorted.first, next == last + 1 { last = next; sorted = sorted.dropFirst() }
            parts.append(first == last ? "\(first)" : "\(first)-\(last)")
        }
        return parts.joined(separator: ",")
    }

    /// A word for bash: single-quoted unless it is plain.
    public static func quote(_ word: String) -> String {
        if !word.isEmpty, word.allSatisfy({ $0.isLetter || $0.isNumber || "/._-=:+,@%".contains($0) }), word.unicodeScalars.allSatisfy(\.isASCII) {
            return word
        }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
