package dev.cairn.bench;

import dev.cairn.web.testing.CairnProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The load of {@link LoadRun} on a started service (-Xmx256m) for each client count in turn, each on new
 * pools: prints one Markdown table of throughput and p50 / p99 / max latency per operation, and fails when
 * any run saw an unexpected answer or lost anything. Arguments: seconds per run, then client counts
 * (default 60, then 4 16 32). Run with {@code bench/load.sh}.
 */
public final class LoadBenchmark {
    private LoadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        int[] clientCounts = args.length > 1 ? java.util.Arrays.stream(args).skip(1).mapToInt(Integer::parseInt)
                .toArray() : new int[] {4, 16, 32};
        Path work = Files.createTempDirectory("cairn-loadbench-");
        boolean clean = true;
        try (CairnProcess service = CairnProcess.start(work.resolve("data"))) {
            CairnHttp http = new CairnHttp(service.baseUri());
            // Warm-up: the JIT compiles the paths before anything is measured.
            LoadRun.run(http, work, "warm", 2, 8, Duration.ofSeconds(10), 1);
            StringBuilder tables = new StringBuilder();
            for (int clients : clientCounts) {
                LoadRun.Result result = LoadRun.run(http, work, "c" + clients, 4, clients,
                        Duration.ofSeconds(seconds), clients);
                tables.append(result.table(clients));
                if (!result.problems().isEmpty()) {
                    clean = false;
                    System.err.println(clients + " clients: " + result.problems());
                }
            }
            System.out.println(tables.toString().replaceAll("\\n\\| clients \\|.*\\n\\|---.*", ""));
        }
        if (!clean) {
            System.exit(1);
        }
    }
}
