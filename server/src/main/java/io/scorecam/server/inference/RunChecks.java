package io.scorecam.server.inference;

import io.scorecam.server.errors.ScoreCamException;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks a run's inputs and requested outputs against what a session declares, before any backend sees
 * them, so a caller gets INVALID_ARGUMENT naming the tensor instead of an engine error. Built once per
 * session: it runs on every call, so lookups are by map and accepted output lists are remembered.
 */
public final class RunChecks {

    private final String session;
    private final Map<String, TensorInfo> inputs = new LinkedHashMap<>();
    private final Map<String, TensorInfo> outputs = new LinkedHashMap<>();
    private final Set<List<String>> acceptedOutputLists = ConcurrentHashMap.newKeySet();

    public RunChecks(String session, List<TensorInfo> declaredInputs, List<TensorInfo> declaredOutputs) {
        this.session = session;
        declaredInputs.forEach(info -> inputs.put(info.name(), info));
        declaredOutputs.forEach(info -> outputs.put(info.name(), info));
    }

    public void checkInputs(Map<String, Tensor> given) {
        if (given == null) {
            throw ScoreCamException.invalid(session + ": no inputs given; the model expects " + inputs.keySet());
        }
        for (String name : given.keySet()) {
            if (!inputs.containsKey(name)) {
                throw ScoreCamException.invalid(session + ": '" + name + "' is not an input of the model; inputs are "
                        + inputs.keySet());
            }
        }
        for (TensorInfo info : inputs.values()) {
            Tensor tensor = given.get(info.name());
            if (tensor == null) {
                throw ScoreCamException.invalid(session + ": input '" + info.name() + "' is missing; inputs are "
                        + inputs.keySet());
            }
            checkType(info, tensor);
            checkShape(info, tensor.shape());
        }
    }

    public void checkOutputs(List<String> requested) {
        if (acceptedOutputLists.contains(requested)) {
            return;
        }
        for (String name : requested) {
            TensorInfo info = outputs.get(name);
            if (info == null) {
                throw ScoreCamException.invalid(session + ": '" + name + "' is not an output of the model; outputs are "
                        + outputs.keySet());
            }
            if (info.type() != TensorInfo.ElementType.FLOAT) {
                throw ScoreCamException.invalid(session + ": output '" + name + "' is " + info.type()
                        + ", only float outputs can be returned");
            }
        }
        if (acceptedOutputLists.size() < 64) { // callers use a handful of lists; never grow without bound
            acceptedOutputLists.add(List.copyOf(requested));
        }
    }

    private void checkType(TensorInfo info, Tensor tensor) {
        TensorInfo.ElementType actual = tensor instanceof FloatTensor ? TensorInfo.ElementType.FLOAT
                : TensorInfo.ElementType.INT64;
        if (actual != info.type()) {
            throw ScoreCamException.invalid(session + ": input '" + info.name() + "' must be " + info.type()
                    + ", got " + actual);
        }
    }

    private void checkShape(TensorInfo info, long[] shape) {
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
}
