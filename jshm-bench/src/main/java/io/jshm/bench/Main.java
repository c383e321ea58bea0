package io.jshm.bench;

import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

import java.util.Arrays;
import java.util.List;

/**
 * Entry point of {@code jshm-bench.jar}: {@code bench} (the side-by-side run of issue 6: jshm
 * beside Agrona, sockets and the C floor; {@code bin/jshm bench} runs it), {@code queue} (the
 * same run, queues only), {@code sync} (hand-off latency of the synchronization primitives),
 * {@code jmh} (the JMH microbenchmarks, with JMH's own options), or {@code aa} (how finely the
 * interleaved part tells two queues apart here: {@link AaCheck}).
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

    /** {@code queue [options]}: {@code bench} with the four queues only, unless {@code --only} says otherwise. */
    private static String[] queueOnly(String[] args) {
        if (Arrays.asList(args).contains("--only")) {
            return args;
        }
        String[] all = Arrays.copyOf(args, args.length + 4);
        System.arraycopy(new String[] {"--only", "SPSC", "MPSC", "Agrona"}, 0, all, args.length, 4);
        return all;
    }

    public static void main(String[] args) throws Exception {
        String what = args.length == 0 ? "" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (what) {
            case "sync" -> SyncBench.main(rest);
            case "bench" -> {
                if (rest.length > 0 && List.of("jmh", "sync", "queue", "aa").contains(rest[0])) {
                    main(rest); // bin/jshm bench jmh|sync|queue|aa ...
                } else {
                    System.exit(Bench.main(rest, System.out, System.err));
                }
            }
            case "queue" -> System.exit(Bench.main(queueOnly(rest), System.out, System.err));
            case "jmh" -> jmh(rest);
            case "aa" -> System.exit(AaCheck.main(rest, System.out, System.err));
            default -> {
                System.err.println("usage: java -jar jshm-bench.jar bench|queue|sync|jmh|aa [options]");
                System.exit(2);
            }
        }
    }
}
