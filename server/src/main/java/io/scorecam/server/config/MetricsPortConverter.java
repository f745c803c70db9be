package io.scorecam.server.config;

import picocli.CommandLine;

import java.util.Locale;

/** --metrics-port: a port (0 picks a free one, as --port 0 does) or the word "off". */
final class MetricsPortConverter implements CommandLine.ITypeConverter<Integer> {
    /** Internal marker for "off"; never a value the user can type. */
    static final int OFF = Integer.MIN_VALUE;

    @Override
    public Integer convert(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        if (v.equals("off")) {
            return OFF;
        }
        int port;
        try {
            port = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a port or 'off'");
        }
        if (port < 0 || port > 65535) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a port 0..65535"
                    + (port < 0 ? " (to turn metrics off write 'off'; 0 picks a free port)" : ""));
        }
        return port;
    }
}
