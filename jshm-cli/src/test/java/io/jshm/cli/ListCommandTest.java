package io.jshm.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jshm.SharedMemory;
import io.jshm.SharedMemoryOptions;
import io.jshm.testing.RegionNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code jshm ls}: the table and the JSON. */
@Timeout(10)
class ListCommandTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(ListCommandTest.class);

    private String persistent(String size, String mode) {
        String name = names.nextRemovedAfterEach();
        assertThat(Cli.run("create", name, size, "--mode", mode).exit()).isZero();
        return name;
    }

    private static String rowOf(List<String> lines, String name) {
        return lines.stream().filter(line -> line.startsWith(name + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + name + " in\n" + String.join("\n", lines)));
    }

    @Test
    void tableHasAlignedColumnsForEveryRegion() {
        String small = persistent("4096", "600");
        String large = persistent("2MiB", "640");
        long pid = ProcessHandle.current().pid();

        try (SharedMemory held = SharedMemory.create(names.next(), 1536)) {
            Cli.Result r = Cli.run("ls");

            assertThat(r.exit()).isZero();
            assertThat(r.err()).isEmpty();
            List<String> lines = r.outLines();
            String header = lines.getFirst();
            assertThat(header.split("\\s+")).containsExactly("NAME", "SIZE", "MODE", "OWNER", "CREATED", "MODIFIED",
                    "HOLDS", "LIFETIME", "STATE", "PROCESSES");

            String smallRow = rowOf(lines, small);
            assertThat(smallRow.split("\\s+")).containsExactly(small, "4", "KiB", "0600", ownerOf(small),
                    Times.brief(SharedMemory.info(small).created()), Times.brief(SharedMemory.info(small).modified()),
                    "raw", "persistent", "live", "-");
            assertThat(rowOf(lines, large).split("\\s+")).containsSubsequence(large, "2", "MiB", "0640",
                    ownerOf(large)).endsWith("raw", "persistent", "live", "-");
            assertThat(rowOf(lines, held.name()).split("\\s+")).containsSubsequence(held.name(), "1.5", "KiB", "0600",
                    ownerOf(held.name())).endsWith("raw", "until-last-close", "live", pid + "/java");

            // Columns line up: sizes are right-aligned under SIZE, the others left-aligned under their titles.
            for (String column : List.of("MODE", "OWNER", "CREATED", "MODIFIED", "HOLDS", "LIFETIME", "STATE",
                    "PROCESSES")) {
                int at = header.indexOf(column);
                assertThat(smallRow.charAt(at - 1)).as(column).isEqualTo(' ');
                assertThat(smallRow.charAt(at)).as(column).isNotEqualTo(' ');
            }
            int sizeEnd = header.indexOf("SIZE") + "SIZE".length();
            assertThat(smallRow.substring(0, sizeEnd)).endsWith("4 KiB");
            assertThat(rowOf(lines, large).substring(0, sizeEnd)).endsWith("2 MiB");
        }
    }

    private static String ownerOf(String name) {
        return SharedMemory.info(name).owner();
    }

    @Test
    void jsonHasEveryFieldOfEveryRegion() throws Exception {
        String name = persistent("64KiB", "640");
        String heldName = names.next();
        long pid = ProcessHandle.current().pid();

        try (SharedMemory held = SharedMemory.create(heldName, 4096, SharedMemoryOptions.defaults())) {
            Cli.Result r = Cli.run("ls", "--json");

            assertThat(r.exit()).isZero();
            JsonNode array = new ObjectMapper().readTree(r.out());
            assertThat(array.isArray()).isTrue();

            JsonNode region = find(array, name);
            List<String> fields = new ArrayList<>();
            region.fieldNames().forEachRemaining(fields::add);
            assertThat(fields).containsExactly("name", "path", "size", "mode", "owner", "created", "modified", "holds",
                    "lifetime", "stale", "complete", "holders", "mappedBy");
            assertThat(region.get("path").asText()).isEqualTo("/dev/shm/" + name);
            assertThat(region.get("size").asLong()).isEqualTo(65536);
            assertThat(region.get("mode").asText()).isEqualTo("0640");
            assertThat(region.get("owner").asText()).isEqualTo(SharedMemory.info(name).owner());
            assertThat(Instant.parse(region.get("modified").asText())).isBeforeOrEqualTo(Instant.now());
            assertThat(Instant.parse(region.get("created").asText())).isBeforeOrEqualTo(Instant.now())
                    .isAfter(Instant.now().minusSeconds(60));
            assertThat(region.get("holds").asText()).isEqualTo("raw");
            assertThat(region.get("mappedBy")).isEmpty();
            assertThat(region.get("lifetime").asText()).isEqualTo("persistent");
            assertThat(region.get("stale").asBoolean()).isFalse();
            assertThat(region.get("complete").asBoolean()).isTrue();
            assertThat(region.get("holders").isArray()).isTrue();
            assertThat(region.get("holders")).isEmpty();

            JsonNode open = find(array, held.name());
            assertThat(open.get("lifetime").asText()).isEqualTo("until-last-close");
            assertThat(open.get("mode").asText()).isEqualTo("0600");
            assertThat(StreamSupport.stream(open.get("holders").spliterator(), false).map(JsonNode::asLong).toList())
                    .containsExactly(pid);
            assertThat(open.get("mappedBy").get(0).get("pid").asLong()).isEqualTo(pid);
            assertThat(open.get("mappedBy").get(0).get("command").asText()).isEqualTo("java");
        }
    }

    private static JsonNode find(JsonNode array, String name) {
        return StreamSupport.stream(array.spliterator(), false)
                .filter(node -> node.get("name").asText().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " in " + array));
    }
}
