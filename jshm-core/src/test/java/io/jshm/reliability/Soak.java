package io.jshm.reliability;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The two lengths of the reliability suite: short in {@code ./mvnw verify}, long with
 * {@code ./mvnw verify -Psoak} (which sets {@code -Djshm.soak=true}). Each test prints one summary
 * line, {@code [soak-summary] Test: rounds=.. faults=.. messages=.. hangs=0 losses=0 ...}, the
 * figures docs/reliability.md reports.
 */
final class Soak {
    private Soak() {
    }

    /** {@return whether the long (soak) versions run} */
    static boolean on() {
        return Boolean.getBoolean("jshm.soak");
    }

    /** {@return {@code -Djshm.<key>} if set, else the soak or the verify value} */
    static int count(String key, int verify, int soak) {
        return Integer.getInteger("jshm." + key, on() ? soak : verify);
    }

    /** {@return the seed of a randomised test: {@code -Djshm.seed} if set, else a fresh one} Printed. */
    static long seed(String test) {
        Long fixed = Long.getLong("jshm.seed");
        long seed = fixed != null ? fixed : ThreadLocalRandom.current().nextLong();
        System.out.println("[seed] " + test + ": seed=" + seed + " (rerun with -Djshm.seed=" + seed + ")");
        System.out.flush();
        return seed;
    }

    /** Prints the summary line of one test. */
    static void summary(String test, String figures) {
        System.out.println("[soak-summary] " + test + (on() ? " (soak)" : " (verify)") + ": " + figures);
        System.out.flush();
    }
}
