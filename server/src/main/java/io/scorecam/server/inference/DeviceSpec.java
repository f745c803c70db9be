package io.scorecam.server.inference;

import io.scorecam.server.errors.ScoreCamException;

import java.util.Locale;

/** Where sessions run: the CPU or one CUDA device. Parsed from flags such as {@code --device cuda:1}. */
public record DeviceSpec(Kind kind, int index) {

    public enum Kind { CPU, CUDA }

    public static final DeviceSpec CPU = new DeviceSpec(Kind.CPU, 0);

    public DeviceSpec {
        if (kind == null) {
            throw ScoreCamException.invalid("device kind is missing");
        }
        if (index < 0 || (kind == Kind.CPU && index != 0)) {
            throw ScoreCamException.invalid("device index " + index + " is not valid for " + kind);
        }
    }

    public static DeviceSpec cuda(int index) {
        return new DeviceSpec(Kind.CUDA, index);
    }

    /** Accepts "cpu", "cuda" (device 0) and "cuda:N", case-insensitive. */
    public static DeviceSpec parse(String text) {
        if (text == null || text.isBlank()) {
            throw ScoreCamException.invalid("device is empty; use cpu, cuda or cuda:N");
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("cpu")) {
            return CPU;
        }
        if (t.equals("cuda")) {
            return cuda(0);
        }
        if (t.startsWith("cuda:")) {
            String digits = t.substring("cuda:".length());
            if (!digits.isEmpty() && digits.length() <= 4 && digits.chars().allMatch(Character::isDigit)) {
                return cuda(Integer.parseInt(digits));
            }
        }
        throw ScoreCamException.invalid("device '" + text + "' is not one of cpu, cuda, cuda:N (N = 0, 1, ...)");
    }

    public boolean isCuda() {
        return kind == Kind.CUDA;
    }

    @Override
    public String toString() {
        return kind == Kind.CPU ? "cpu" : "cuda:" + index;
    }
}
