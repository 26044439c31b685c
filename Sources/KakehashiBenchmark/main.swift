// KakehashiBenchmark — main.swift
// Entry point of `kakehashi-benchmark`: parses the flags and runs the benchmark (see BenchmarkRun).
//
//   swift run -c release kakehashi-benchmark [--objects N] [--large M] [--skip-medallion] …
import Foundation

let options: BenchmarkOptions
do {
    options = try BenchmarkOptions.parse(Array(CommandLine.arguments.dropFirst()))
} catch let error as BenchmarkOptions.UsageError {
    if !error.description.isEmpty { print("error: \(error.description)\n") }
    print(BenchmarkOptions.usage)
    exit(error.description.isEmpty ? 0 : 2)
} catch {
    print("error: \(error)")
    exit(2)
}
exit(await BenchmarkRun(options: options).run())
