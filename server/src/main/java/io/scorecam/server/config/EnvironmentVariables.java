package io.scorecam.server.config;

import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.lang.reflect.Field;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The SCORECAM_* variable each flag falls back to, read from its declared default ("${env:NAME:-default}"),
 * so --help can never name a variable the flag does not read.
 */
public final class EnvironmentVariables {
    private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Z0-9_]+)");

    private EnvironmentVariables() {
    }

    /** Flag name (its first name, e.g. --port) to variable name, for every @Option field of {@code type} and its mixins. */
    public static Map<String, String> byFlag(Class<?> type) {
        Map<String, String> vars = new LinkedHashMap<>();
        for (Field f : type.getDeclaredFields()) {
            if (f.isAnnotationPresent(CommandLine.Mixin.class)) {
                vars.putAll(byFlag(f.getType())); // a mixin's flags are the command's flags
                continue;
            }
            Option option = f.getAnnotation(Option.class);
            if (option != null) {
                Matcher m = ENV.matcher(option.defaultValue());
                if (m.find()) {
                    vars.put(option.names()[0], m.group(1));
                }
            }
        }
        return vars;
    }
}
