package io.jshm;

/** The rules for region names, checked before any system call. */
final class Names {
    private Names() {
    }

    static final String RULE = "names are 1 to %d characters of A-Z a-z 0-9 . _ - (not '.' or '..')";

    /**
     * @throws InvalidNameException with what is wrong, if {@code name} breaks the rules
     */
    static String validate(String name, int maxLength) {
        if (name == null) {
            throw new NullPointerException("name");
        }
        String why = null;
        if (name.isEmpty()) {
            why = "empty";
        } else if (name.length() > maxLength) {
            why = name.length() + " characters, more than " + maxLength;
        } else if (name.equals(".") || name.equals("..")) {
            why = "'" + name + "' is reserved";
        } else {
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (!allowed(c)) {
                    why = "character " + describe(c) + " at index " + i + " is not allowed";
                    break;
                }
            }
        }
        if (why != null) {
            throw new InvalidNameException(name, "invalid region name " + printable(name) + ": " + why + "; "
                    + RULE.formatted(maxLength), 0);
        }
        return name;
    }

    private static boolean allowed(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '.' || c == '_' || c == '-';
    }

    private static String describe(char c) {
        return switch (c) {
            case '\0' -> "NUL";
            case '/' -> "'/'";
            default -> c < 0x20 || c > 0x7e ? "U+%04X".formatted((int) c) : "'" + c + "'";
        };
    }

    /**
     * The most characters of a name or path that messages show: every valid name, and ordinary file
     * paths, whole; only longer strings (invalid names) are cut.
     */
    private static final int SHOWN = 255;

    /** {@return the name quoted, with control characters escaped and overlong names shortened} */
    static String printable(String name) {
        StringBuilder sb = new StringBuilder("'");
        int shown = Math.min(name.length(), SHOWN);
        for (int i = 0; i < shown; i++) {
            char c = name.charAt(i);
            sb.append(c < 0x20 || c > 0x7e ? "\\u%04x".formatted((int) c) : String.valueOf(c));
        }
        if (shown < name.length()) {
            sb.append("...");
        }
        return sb.append('\'').toString();
    }
}
