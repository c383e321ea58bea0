package io.jshm.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The region and byte range that {@code read} and {@code dump} take alike: NAME, {@code --offset}
 * and {@code --length}, mixed into each command ({@code @Mixin}) so that both parse and describe
 * them the same way.
 */
final class RangeOptions {

    @Parameters(index = "0", paramLabel = "NAME", description = "Region name, or a file path (contains '/').")
    String name;

    @Option(names = "--offset", paramLabel = "N", defaultValue = "0", converter = ByteSize.CountConverter.class,
            description = "First byte (default: ${DEFAULT-VALUE}).")
    long offset;

    @Option(names = "--length", paramLabel = "N", converter = ByteSize.CountConverter.class,
            description = "How many bytes (default: up to the end of the region).")
    Long length;
}
