package io.jshm.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Byte counts as people write and read them: {@code 4096}, {@code 64KiB}, {@code 1MiB},
 * {@code 2GiB}. Units are binary (K = 1024); {@code K M G T} alone also work, in either case.
 * Decimal-looking units ({@code KB}, {@code MB}) are refused as ambiguous rather than guessed.
 */
final class ByteSize {
    private ByteSize() {
    }

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(?:([KMGT])(I?B)?|B)?", Pattern.CASE_INSENSITIVE);
    private static final String UNITS = "KMGT";
    private static final String[] NAMES = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    static final String SYNTAX = "a whole number of bytes, optionally with a binary unit: 4096, 64KiB, 1MiB, 2GiB"
            + " (K, M, G, T also accepted)";

    /**
     * {@return the number of bytes {@code text} stands for, zero or more}
     *
     * @throws IllegalArgumentException saying what is wrong and what is accepted
     */
    static long parse(String text) {
        String trimmed = text.strip();
        Matcher m = SIZE.matcher(trimmed);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size: use " + SYNTAX);
        }
        String unit = m.group(2);
        String suffix = m.group(3);
        if (suffix != null && suffix.equalsIgnoreCase("B")) {
            throw new IllegalArgumentException("'" + text + "' is ambiguous (" + unit + "B could mean 1000 or 1024): write "
                    + m.group(1) + unit.toUpperCase(Locale.ROOT) + "iB for binary units");
        }
        int shift = unit == null ? 0 : 10 * (UNITS.indexOf(unit.toUpperCase(Locale.ROOT)) + 1);
        try {
            long count = Long.parseLong(m.group(1));
            if (count > (Long.MAX_VALUE >> shift)) {
                throw new NumberFormatException();
            }
            return count << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is too large: at most " + Long.MAX_VALUE + " bytes");
        }
    }

    /**
     * {@return {@code bytes} for people: {@code 512 B}, {@code 64 KiB}, {@code 1.5 MiB}} Exact
     * multiples of a unit have no decimals; others one.
     */
    static String format(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        int unit = 0;
        while (unit < NAMES.length - 1 && bytes >> (10 * (unit + 1)) > 0) {
            unit++;
        }
        long one = 1L << (10 * unit);
        if (bytes % one == 0) {
            return (bytes / one) + " " + NAMES[unit];
        }
        double value = (double) bytes / one;
        if (value >= 1023.95 && unit < NAMES.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, NAMES[unit]);
    }

    /** Converts a SIZE argument: at least one byte. */
    static final class SizeConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            long size = parseForPicocli(value);
            if (size == 0) {
                throw new TypeConversionException("size 0: a region needs at least 1 byte");
            }
            return size;
        }
    }

    /** Converts an offset or length: zero or more bytes, units allowed. */
    static final class CountConverter implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return parseForPicocli(value);
        }
    }

    private static long parseForPicocli(String value) {
        try {
            return parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
