package io.jshm.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Permission bits written and read in octal, as {@code chmod} does: {@code 600}, {@code 0640}. */
final class FileMode {
    private FileMode() {
    }

    /** {@return the mode as four octal digits, such as {@code 0600}} */
    static String format(int mode) {
        return String.format("%04o", mode);
    }

    /** Converts {@code --mode}: octal permission bits within 0777 that include owner read. */
    static final class Converter implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int mode;
            try {
                mode = Integer.parseInt(value.strip(), 8);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + value + "' is not an octal mode such as 600 or 0640");
            }
            if (mode < 0 || (mode & ~0777) != 0) {
                throw new TypeConversionException("mode " + value + " has bits outside 0777");
            }
            if ((mode & 0400) == 0) {
                throw new TypeConversionException("mode " + value + " lacks owner read (0400), which every region needs");
            }
            return mode;
        }
    }
}
