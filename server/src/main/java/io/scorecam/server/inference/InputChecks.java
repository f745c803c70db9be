package io.scorecam.server.inference;

import io.scorecam.server.errors.ScoreCamException;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Checks a run's inputs and requested outputs against what a session declares, before any backend sees
 * them, so a caller gets INVALID_ARGUMENT naming the tensor instead of an engine error.
 */
public final class InputChecks {

    private InputChecks() {
    }

    public static void checkInputs(String session, List<TensorInfo> declared, Map<String, Tensor> given) {
        if (given == null) {
            throw ScoreCamException.invalid(session + ": no inputs given; the model expects " + names(declared));
        }
        for (String name : given.keySet()) {
            if (declared.stream().noneMatch(info -> info.name().equals(name))) {
                throw ScoreCamException.invalid(session + ": '" + name + "' is not an input of the model; inputs are "
                        + names(declared));
            }
        }
        for (TensorInfo info : declared) {
            Tensor tensor = given.get(info.name());
            if (tensor == null) {
                throw ScoreCamException.invalid(session + ": input '" + info.name() + "' is missing; inputs are "
                        + names(declared));
            }
            checkType(session, info, tensor);
            checkShape(session, info, tensor.shape());
        }
    }

    public static void checkOutputs(String session, List<TensorInfo> declared, List<String> requested) {
        for (String name : requested) {
            TensorInfo info = declared.stream().filter(i -> i.name().equals(name)).findFirst()
                    .orElseThrow(() -> ScoreCamException.invalid(session + ": '" + name
                            + "' is not an output of the model; outputs are " + names(declared)));
            if (info.type() != TensorInfo.ElementType.FLOAT) {
                throw ScoreCamException.invalid(session + ": output '" + name + "' is " + info.type()
                        + ", only float outputs can be returned");
            }
        }
    }

    private static void checkType(String session, TensorInfo info, Tensor tensor) {
        TensorInfo.ElementType actual = tensor instanceof FloatTensor ? TensorInfo.ElementType.FLOAT
                : TensorInfo.ElementType.INT64;
        if (actual != info.type()) {
            throw ScoreCamException.invalid(session + ": input '" + info.name() + "' must be " + info.type()
                    + ", got " + actual);
        }
    }

    private static void checkShape(String session, TensorInfo info, long[] shape) {
        long[] expected = info.shape();
        boolean ok = expected.length == shape.length;
        for (int i = 0; ok && i < shape.length; i++) {
            ok = expected[i] < 0 || expected[i] == shape[i];
        }
        if (!ok) {
            throw ScoreCamException.invalid(session + ": input '" + info.name() + "' has shape "
                    + Arrays.toString(shape) + " but the model expects " + Arrays.toString(expected)
                    + " (-1 = any size)");
        }
    }

    private static String names(List<TensorInfo> infos) {
        return infos.stream().map(TensorInfo::name).collect(Collectors.joining(", ", "[", "]"));
    }
}
