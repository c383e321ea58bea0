package io.jshm.queue;

import io.jshm.testing.Waits;
import io.jshm.SharedMemory;
import io.jshm.testing.ChildJvm;
import io.jshm.testing.RegionNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One broadcast producer process and three consumers: a fast consumer process (the producer keeps
 * within half a ring of it, so it can never be lapped), a slow consumer process (it naps every 64
 * messages, so it is lapped again and again) and a consumer thread in the test JVM. All join
 * before the first message. Each must either see the whole stream in order or account exactly
 * for what it lost: received + lost() == sent, received seqs strictly increasing, their gaps
 * summing to lost(), every byte of every message right. The header's lapped and lost counters sum
 * the consumers'.
 */
@SuppressWarnings("try") // children and regions held open by try blocks; some handles closed early on purpose
class BroadcastProcessesTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(BroadcastProcessesTest.class);

    static final long CAPACITY = 64 * 1024;
    static final int MESSAGES = 100_000;
    static final int MAX = (int) (CAPACITY / 8);

    /** What one consumer reported: {@code RESULT received lost lapped gaps disorder bad firstProblem}. */
    record Result(String who, long received, long lost, long lapped, long gaps, long disorder, long bad,
                  String firstProblem) {
        static Result parse(String who, String line) {
            String[] f = line.split(" ");
            return new Result(who, Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                    Long.parseLong(f[4]), Long.parseLong(f[5]), Long.parseLong(f[6]), f[7]);
        }

        void assertAccountsForEveryMessage() {
            assertThat(disorder).as("%s: messages out of order (%s)", this, firstProblem).isZero();
            assertThat(bad).as("%s: messages with wrong bytes (%s)", this, firstProblem).isZero();
            assertThat(received + lost).as("%s: received + lost", this).isEqualTo(MESSAGES);
            assertThat(gaps).as("%s: gaps in the received seqs", this).isEqualTo(lost);
        }
    }

    @Test
    @Timeout(60)
    void everyConsumerSeesTheStreamInOrderOrCountsExactlyWhatItLost() throws Exception {
        String name = names.next();
        String ackName = names.next();
        long seed = QueueTesting.seed("BroadcastProcessesTest");
        String[] common = {name, Integer.toString(MESSAGES), Long.toString(seed), "1", Integer.toString(MAX)};
        try (SharedQueue queue = SharedQueue.create(name, CAPACITY, QueueType.BROADCAST);
             SharedQueue local = SharedQueue.open(name);
             SharedMemory ack = SharedMemory.create(ackName, 64);
             QueueTesting.Group children = new QueueTesting.Group()) {
            ChildJvm fast = children.launch(concat("broadcast-consume", common, "fast", ackName));
            ChildJvm slow = children.launch(concat("broadcast-consume", common, "slow", ackName));
            ChildJvm producer = children.launch(concat("broadcast-produce", common, ackName));
            QueueChild.BroadcastTally tally = new QueueChild.BroadcastTally(seed, 1, MAX);
            assertThat(local.poll(tally, 1)).as("joined an empty queue").isZero();
            CompletableFuture<Void> inTest = CompletableFuture.runAsync(() -> {
                try {
                    while (tally.last < MESSAGES - 1) {
                        if (local.receive(tally, 64, WaitStrategy.PARK, Duration.ofSeconds(30)) == 0) {
                            throw new AssertionError("no message for 30 s; " + tally.received + " so far");
                        }
                    }
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            fast.await("JOINED", Waits.STARTUP);
            slow.await("JOINED", Waits.STARTUP);
            producer.await("READY", Waits.STARTUP);
            producer.send("GO");

            Waits.lineStartingWith(producer, "DONE", Duration.ofSeconds(40));
            Result fastResult = Result.parse("fast", Waits.lineStartingWith(fast, "RESULT", Duration.ofSeconds(20)));
            Result slowResult = Result.parse("slow", Waits.lineStartingWith(slow, "RESULT", Duration.ofSeconds(20)));
            inTest.get(20, TimeUnit.SECONDS);
            Result testResult = Result.parse("test", "RESULT " + tally.result(local) + " " + tally.firstProblem);
            for (ChildJvm child : children.list()) {
                Waits.awaitSuccess(child, Duration.ofSeconds(20));
            }
            System.out.printf("[broadcast] %s%n[broadcast] %s%n[broadcast] %s%n", fastResult, slowResult, testResult);

            fastResult.assertAccountsForEveryMessage();
            slowResult.assertAccountsForEveryMessage();
            testResult.assertAccountsForEveryMessage();
            assertThat(fastResult.received()).as("the fast consumer loses nothing").isEqualTo(MESSAGES);
            assertThat(fastResult.lapped()).isZero();
            assertThat(slowResult.lapped()).as("the slow consumer is lapped").isPositive();
            assertThat(slowResult.lost()).isPositive();
            assertThat(slowResult.received()).isPositive();

            QueueCounters c = queue.counters();
            assertThat(c.recordsIn()).isEqualTo(MESSAGES);
            assertThat(c.lapped()).as("lapped, summed over the consumers")
                    .isEqualTo(fastResult.lapped() + slowResult.lapped() + testResult.lapped());
            assertThat(c.lost()).as("lost, summed over the consumers")
                    .isEqualTo(fastResult.lost() + slowResult.lost() + testResult.lost());
        }
    }

    private static String[] concat(String mode, String[] common, String... more) {
        String[] all = new String[1 + common.length + more.length];
        all[0] = mode;
        System.arraycopy(common, 0, all, 1, common.length);
        System.arraycopy(more, 0, all, 1 + common.length, more.length);
        return all;
    }
}
