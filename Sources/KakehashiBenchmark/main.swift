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
if options.storedCampaignsOnly {
    print(await StoredCampaignThroughput.run(submissions: options.campaignSubmissions))
    exit(0)
}
if options.exportsOnly {
    print("== Exports (release build)")
    if !options.exportPollingOnly { print(await ExportThroughput.run(indicators: options.exportIndicators)) }
    if options.exportConsumers > 0 {
        print(await ExportPolling.run(consumers: options.exportConsumers, connections: options.exportConnections,
                                      threads: options.exportClientThreads, depth: options.exportPipeline,
                                      seconds: options.exportPollingSeconds ?? options.phaseBudget / 4))
    }
    exit(0)
}
if options.correlationEntries > 0 {
    print(await CorrelationBenchmark.run(backends: options.backends, entries: options.correlationEntries))
    exit(0)
}
if options.portalObjects > 0 {
    print(await PortalBenchmark.run(options: options, objects: options.portalObjects))
    exit(0)
}
if options.searchObjects > 0 {
    print(await SearchBenchmark.run(backends: options.backends, objects: options.searchObjects))
    exit(0)
}
if options.submissionsOnly {
    print("== Submissions (release build, one core each)")
    print(MailParsingThroughput.run(messages: options.mailMessages))
    print(EmailExtractionThroughput.run(messages: max(1, options.mailMessages / 2)))
    print(SampleThroughput.run(megabytes: options.sampleMegabytes))
    print(CampaignThroughput.run(submissions: options.campaignSubmissions))
    exit(0)
}
let status = await BenchmarkRun(options: options).run()
print("\n== Submissions (release build, one core each)")
print(MailParsingThroughput.run(messages: options.mailMessages))
print(EmailExtractionThroughput.run(messages: max(1, options.mailMessages / 2)))
print(SampleThroughput.run(megabytes: options.sampleMegabytes))
print(CampaignThroughput.run(submissions: options.campaignSubmissions))
exit(status)
