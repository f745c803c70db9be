package io.scorecam.server.inference;

/** Name, element type and shape of a session input or output; -1 marks a dynamic dimension. */
public record TensorInfo(String name, ElementType type, long[] shape) {
    public enum ElementType { FLOAT, INT64, OTHER }
}
