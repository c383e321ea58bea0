package io.jshm.cli;

import io.jshm.SharedMemory;
import io.jshm.testing.RegionNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Sizes as people write them (parsing) and read them (formatting), and bad sizes on the command line. */
@Timeout(10)
class ByteSizeTest {

    @RegisterExtension
    static final RegionNames names = new RegionNames(ByteSizeTest.class);

    @ParameterizedTest
    @CsvSource({
        "4096, 4096",
        "0, 0",
        "64KiB, 65536",
        "64kib, 65536",
        "64K, 65536",
        "64k, 65536",
        "1MiB, 1048576",
        "1m, 1048576",
        "2GiB, 2147483648",
        "2G, 2147483648",
        "1TiB, 1099511627776",
        "1t, 1099511627776",
        "512B, 512",
        "' 8 KiB ', 8192"
    })
    void parsesBytesAndBinaryUnits(String text, long bytes) {
        assertThat(ByteSize.parse(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "-1", "1.5MiB", "12XB", "64KiBs", "0x10", "MiB", "1 2"})
    void refusesWhatIsNotASize(String text) {
        assertThatThrownBy(() -> ByteSize.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a size")
                .hasMessageContaining("64KiB");
    }

    @ParameterizedTest
    @ValueSource(strings = {"64KB", "1MB", "2gb"})
    void refusesDecimalLookingUnitsAsAmbiguous(String text) {
        assertThatThrownBy(() -> ByteSize.parse(text)).hasMessageContaining("ambiguous").hasMessageContaining("iB");
    }

    @Test
    void refusesSizesBeyondALong() {
        assertThatThrownBy(() -> ByteSize.parse("8388608T")).hasMessageContaining("too large");
        assertThatThrownBy(() -> ByteSize.parse("99999999999999999999")).hasMessageContaining("too large");
        assertThat(ByteSize.parse("8388607T")).isEqualTo(8388607L << 40);
    }

    @ParameterizedTest
    @CsvSource({
        "0, 0 B",
        "1023, 1023 B",
        "1024, 1 KiB",
        "1536, 1.5 KiB",
        "65536, 64 KiB",
        "786432, 768 KiB",
        "1048575, 1.0 MiB",
        "1048576, 1 MiB",
        "2147483648, 2 GiB",
        "1099511627776, 1 TiB",
        "9223372036854775807, 8.0 EiB"
    })
    void formatsForPeople(long bytes, String text) {
        assertThat(ByteSize.format(bytes)).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "-5", "12XB", "0", "64KB", "1.5M"})
    void badSizeOnTheCommandLineIsAUsageErrorAndCreatesNothing(String size) {
        String name = names.next();

        Cli.Result r = Cli.run("create", name, size);

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(2);
        assertThat(r.errLines().getFirst()).startsWith("jshm: Invalid value").contains("SIZE", size);
        assertThat(r.errLines().getLast()).isEqualTo("try 'jshm create --help'");
        assertThat(SharedMemory.exists(name)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"--offset=-1", "--offset=lots", "--offset=1KB"})
    void badOffsetIsAUsageError(String option) {
        Cli.Result r = Cli.run(new byte[0], "read", names.next(), option);

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.errLines().getFirst()).contains("--offset");
    }
}
