package io.scorecam.server.config;

import picocli.CommandLine;

import java.util.Locale;

/**
 * Reads sizes like {@code 16777216}, {@code 16MiB} or {@code 40M}: binary suffixes (KiB, MiB, GiB) multiply
 * by 1024, decimal ones (K, M, G) by 1000, so byte limits and pixel counts read naturally.
 */
public final class SizeConverter implements CommandLine.ITypeConverter<Long> {

    @Override
    public Long convert(String value) {
        return parse(value);
    }

    public static long parse(String value) {
        String v = value.trim().replace("_", "");
        String upper = v.toUpperCase(Locale.ROOT);
        long multiplier = 1;
        String[][] suffixes = {
            {"KIB", "1024"}, {"MIB", "1048576"}, {"GIB", "1073741824"},
            {"KB", "1000"}, {"MB", "1000000"}, {"GB", "1000000000"},
            {"K", "1000"}, {"M", "1000000"}, {"G", "1000000000"}, {"B", "1"}};
        for (String[] s : suffixes) {
            if (upper.endsWith(s[0])) {
                multiplier = Long.parseLong(s[1]);
                v = v.substring(0, v.length() - s[0].length()).trim();
                break;
            }
        }
        try {
            long n = Long.parseLong(v);
            if (n < 0) {
                throw new CommandLine.TypeConversionException("'" + value + "' is negative");
            }
            return Math.multiplyExact(n, multiplier);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new CommandLine.TypeConversionException(
                    "'" + value + "' is not a size (examples: 1048576, 16MiB, 40M)");
        }
    }
}
