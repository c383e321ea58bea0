package io.jshm.bench;

import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.Arrays;

/**
 * Entry point of {@code jshm-bench.jar}: {@code sync} (hand-off latency of the synchronization
 * primitives), {@code queue} (queues against Agrona), or {@code jmh} (the JMH microbenchmarks,
 * with JMH's own options).
 */
public final class Main {
    private Main() {
    }

    /** Runs JMH with its own command line, adding the JVM options the forks need. */
    private static void jmh(String[] args) throws Exception {
        CommandLineOptions cli = new CommandLineOptions(args);
        if (cli.shouldHelp() || cli.shouldList()) {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        new Runner(new OptionsBuilder().parent(cli).jvmArgsAppend(Jvm.options().toArray(String[]::new)).build()).run();
    }

    public static void main(String[] args) throws Exception {
        String what = args.length == 0 ? "" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (what) {
            case "sync" -> SyncBench.main(rest);
            case "queue" -> QueueBench.main(rest);
            case "jmh" -> jmh(rest);
            default -> {
                System.err.println("usage: java -jar jshm-bench.jar sync|queue|jmh [options]");
                System.exit(2);
            }
        }
    }
}
