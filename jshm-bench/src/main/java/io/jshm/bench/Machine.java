package io.jshm.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * What the figures were measured on: CPU model, cores, kernel, JDK, and the load average before
 * and after (a busy machine shows there).
 */
record Machine(String cpu, int cores, String kernel, String jdk, String loadBefore, String loadAfter, String date) {

    static Machine before() {
        return new Machine(cpuModel(), Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
                        + System.getProperty("java.runtime.version"),
                load(), "", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    }

    Machine after() {
        return new Machine(cpu, cores, kernel, jdk, loadBefore, load(), date);
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElse("unknown");
        } catch (IOException e) {
            return System.getProperty("os.arch");
        }
    }

    /** {@return the 1, 5 and 15 minute load averages} */
    private static String load() {
        try {
            String[] w = Files.readString(Path.of("/proc/loadavg")).strip().split(" ");
            return w[0] + " " + w[1] + " " + w[2];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
