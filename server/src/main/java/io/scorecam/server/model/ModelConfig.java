package io.scorecam.server.model;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * One model of the repository: its directory, its ONNX file and what model.json says about its input
 * and output. Built only through {@link #load(Path)}, which validates everything.
 *
 * @param name        the directory's name, used as the model's name in requests
 * @param directory   the model's directory
 * @param modelFile   the directory's model.onnx
 * @param input       how a frame becomes the model's input tensor
 * @param output      which output holds the class scores and what they are
 * @param targetLayer the tensor Score-CAM masks with; null to detect it automatically
 * @param labels      class names in class order; empty when model.json names no labels file
 * @param batchSize   masked images per inference call; null to let the server choose
 * @param defaults    what a request that leaves method, convention, max_channels or top_k unset gets
 */
public record ModelConfig(String name,
                          Path directory,
                          Path modelFile,
                          InputSpec input,
                          OutputSpec output,
                          String targetLayer,
                          List<String> labels,
                          Integer batchSize,
                          Defaults defaults) {

    public static final String CONFIG_FILE = "model.json";
    public static final String MODEL_FILE = "model.onnx";

    public ModelConfig {
        labels = List.copyOf(labels);
        defaults = defaults == null ? Defaults.NONE : defaults;
    }

    /** Reads and validates {@code modelDir/model.json}; errors are FAILED_PRECONDITION naming the file. */
    public static ModelConfig load(Path modelDir) {
        return new ModelJsonReader(modelDir).read();
    }

    /** Channel order of the model's input tensor. */
    public enum ChannelOrder { RGB, BGR }

    /** How a frame of another size is brought to the model's width x height. */
    public enum ResizeMode {
        /** Bilinear resize to exactly width x height, ignoring the aspect ratio. */
        STRETCH,
        /** Scale so the frame covers width x height keeping its aspect ratio, then cut out the centre. */
        CENTER_CROP
    }

    /** What the model's output holds. */
    public enum OutputKind {
        /** Unnormalised scores: the server applies softmax. */
        LOGITS,
        /** Already a probability distribution: no second softmax. */
        PROBABILITIES
    }

    /**
     * The model's image input: x[c] = (pixel / scale - mean[c]) / std[c], channels in {@code channels} order.
     * mean and std are indexed by the tensor's channel (after any BGR swap).
     */
    public record InputSpec(String name, int width, int height, ChannelOrder channels, float scale,
                            float[] mean, float[] std, ResizeMode resize) {
        public InputSpec {
            mean = mean.clone();
            std = std.clone();
        }

        @Override
        public float[] mean() {
            return mean.clone();
        }

        @Override
        public float[] std() {
            return std.clone();
        }

        // arrays compare by content so two loads of the same file are equal
        @Override
        public boolean equals(Object o) {
            return o instanceof InputSpec s && name.equals(s.name) && width == s.width && height == s.height
                    && channels == s.channels && Float.compare(scale, s.scale) == 0
                    && Arrays.equals(mean, s.mean) && Arrays.equals(std, s.std) && resize == s.resize;
        }

        @Override
        public int hashCode() {
            return ((name.hashCode() * 31 + width) * 31 + height) * 31 + Arrays.hashCode(mean) * 7
                    + Arrays.hashCode(std);
        }

        @Override
        public String toString() {
            return "InputSpec[name=" + name + ", " + width + "x" + height + ", channels=" + channels
                    + ", scale=" + scale + ", mean=" + Arrays.toString(mean) + ", std=" + Arrays.toString(std)
                    + ", resize=" + resize + "]";
        }
    }

    /**
     * Per-model request defaults from model.json; null where the file leaves the server's default. method is
     * a name of the API's Method (checked by the reader against {@link #METHODS}; the engine then checks the
     * model can run it), convention one of the engine's Convention ({@link #CONVENTIONS}; a test keeps that
     * list equal to the engine's enum and METHODS equal to the engine's method registry).
     */
    public record Defaults(String method, String convention, Integer maxChannels, Integer topK) {
        public static final Defaults NONE = new Defaults(null, null, null, null);
        public static final List<String> METHODS = java.util.Arrays.stream(io.scorecam.api.v1.Method.values())
                .filter(m -> m != io.scorecam.api.v1.Method.METHOD_UNSPECIFIED
                        && m != io.scorecam.api.v1.Method.UNRECOGNIZED)
                .map(Enum::name).toList();
        public static final List<String> CONVENTIONS = List.of("SEED", "OFFICIAL", "GRAD_CAM_LIB");
    }

    /** The model output holding one score per class. */
    public record OutputSpec(String name, OutputKind kind) {
    }
}
