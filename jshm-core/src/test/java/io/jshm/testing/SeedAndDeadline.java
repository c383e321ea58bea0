package io.jshm.testing;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.AroundTryHook;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;
import net.jqwik.api.lifecycle.TryExecutionResult;
import net.jqwik.api.lifecycle.TryExecutor;
import net.jqwik.api.lifecycle.TryLifecycleContext;

import java.time.Duration;
import java.util.List;

/**
 * A jqwik lifecycle hook for every property of the suite: prints each property's seed (and how
 * it went) on stdout, and gives each property a time limit, as {@code @Timeout} does for JUnit
 * tests (jqwik has no timeout of its own). Past the limit every further try fails at once, so a
 * slow property ends, failed, within about one try of its limit.
 * {@snippet :
 * @AddLifecycleHook(SeedAndDeadline.class)
 * class MyProperties { ... }
 * }
 */
public final class SeedAndDeadline implements AroundPropertyHook, AroundTryHook {

    /** The time limit of one property, generation and shrinking included. */
    public static final Duration LIMIT = Duration.ofSeconds(30);

    private static final ThreadLocal<Long> DEADLINE = new ThreadLocal<>();

    /** Registered on a class, it applies to every property inside. */
    @Override
    public PropagationMode propagateTo() {
        return PropagationMode.ALL_DESCENDANTS;
    }

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        long start = System.nanoTime();
        DEADLINE.set(start + LIMIT.toNanos());
        PropertyExecutionResult result;
        try {
            result = property.execute();
        } finally {
            DEADLINE.remove();
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("[jqwik] %s: seed=%s tries=%d status=%s time=%d ms%n", context.extendedLabel(),
                result.seed().orElse("?"), result.countTries(), result.status(), millis);
        System.out.flush();
        return result;
    }

    @Override
    public TryExecutionResult aroundTry(TryLifecycleContext context, TryExecutor aTry, List<Object> parameters) {
        Long deadline = DEADLINE.get();
        if (deadline != null && System.nanoTime() - deadline > 0) {
            return TryExecutionResult.falsified(new AssertionError("property ran past its time limit of " + LIMIT));
        }
        return aTry.execute(parameters);
    }
}
