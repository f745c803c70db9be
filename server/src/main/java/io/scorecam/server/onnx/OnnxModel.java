package io.scorecam.server.onnx;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;
import io.scorecam.server.onnx.proto.GraphProto;
import io.scorecam.server.onnx.proto.ModelProto;
import io.scorecam.server.onnx.proto.NodeProto;
import io.scorecam.server.onnx.proto.OperatorSetIdProto;
import io.scorecam.server.onnx.proto.TensorProto;
import io.scorecam.server.onnx.proto.ValueInfoProto;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed ONNX model with lookups over its main graph: inputs, outputs, initializers, and which node
 * produces or consumes each tensor. Immutable; surgery builds new protos from {@link #proto()}.
 */
public final class OnnxModel {
    private final ModelProto proto;
    private final String sourceName;
    private final Map<String, TensorProto> initializers = new LinkedHashMap<>();
    private final Map<String, NodeProto> producers = new HashMap<>();
    private final Map<String, List<NodeProto>> consumers = new HashMap<>();
    private final Map<String, ValueInfoProto> valueInfos = new HashMap<>();

    private OnnxModel(ModelProto proto, String sourceName) {
        this.proto = proto;
        this.sourceName = sourceName;
        GraphProto graph = proto.getGraph();
        for (TensorProto t : graph.getInitializerList()) {
            initializers.put(t.getName(), t);
        }
        for (NodeProto node : graph.getNodeList()) {
            for (String out : node.getOutputList()) {
                if (!out.isEmpty()) {
                    producers.put(out, node);
                }
            }
            for (String in : node.getInputList()) {
                if (!in.isEmpty()) {
                    consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(node);
                }
            }
        }
        // Declared graph inputs/outputs win over value_info hints for the same name.
        graph.getValueInfoList().forEach(v -> valueInfos.put(v.getName(), v));
        graph.getOutputList().forEach(v -> valueInfos.put(v.getName(), v));
        graph.getInputList().forEach(v -> valueInfos.put(v.getName(), v));
    }

    /** Reads and checks an .onnx file; errors name the file. */
    public static OnnxModel read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException | OutOfMemoryError e) {
            throw new ScoreCamException(ErrorCode.FAILED_PRECONDITION,
                    file + ": cannot read the model file: " + e, e);
        }
        return parse(bytes, file.toString());
    }

    /**
     * Parses and checks model bytes; {@code sourceName} names them in error messages. Weights alias the
     * array instead of copying it (VGG16 is 528 MB), so the caller must not change it afterwards.
     */
    public static OnnxModel parse(byte[] bytes, String sourceName) {
        ModelProto proto;
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.enableAliasing(true);
            proto = ModelProto.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            throw notOnnx(sourceName, "not a valid protobuf ModelProto (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw notOnnx(sourceName, "unreadable (" + e.getMessage() + ")");
        }
        // Arbitrary bytes sometimes parse as a protobuf; these checks catch what is not a real model.
        if (!proto.hasIrVersion() || proto.getIrVersion() <= 0) {
            throw notOnnx(sourceName, "ir_version is missing");
        }
        if (!proto.hasGraph() || proto.getGraph().getNodeCount() == 0) {
            throw notOnnx(sourceName, "it has no graph nodes");
        }
        if (proto.getGraph().getOutputCount() == 0) {
            throw notOnnx(sourceName, "its graph declares no outputs");
        }
        OnnxModel model = new OnnxModel(proto, sourceName);
        if (model.inputs().isEmpty()) {
            throw notOnnx(sourceName, "its graph declares no inputs besides initializers");
        }
        return model;
    }

    private static ScoreCamException notOnnx(String sourceName, String why) {
        return new ScoreCamException(ErrorCode.FAILED_PRECONDITION, sourceName + ": not an ONNX model: " + why);
    }

    public ModelProto proto() {
        return proto;
    }

    public GraphProto graph() {
        return proto.getGraph();
    }

    public String sourceName() {
        return sourceName;
    }

    public byte[] toByteArray() {
        return proto.toByteArray();
    }

    /** Graph inputs that are fed at run time (IR < 4 also lists initializers as inputs). */
    public List<ValueInfoProto> inputs() {
        List<ValueInfoProto> result = new ArrayList<>();
        for (ValueInfoProto in : proto.getGraph().getInputList()) {
            if (!initializers.containsKey(in.getName())) {
                result.add(in);
            }
        }
        return result;
    }

    public List<ValueInfoProto> outputs() {
        return proto.getGraph().getOutputList();
    }

    /** Version of the default ("" or "ai.onnx") operator set; 0 when the model imports none. */
    public long opsetVersion() {
        return opsetVersion("");
    }

    /** Version of the named operator-set domain ("" means the default domain); 0 when not imported. */
    public long opsetVersion(String domain) {
        String wanted = normaliseDomain(domain);
        for (OperatorSetIdProto op : proto.getOpsetImportList()) {
            if (normaliseDomain(op.getDomain()).equals(wanted)) {
                return op.getVersion();
            }
        }
        return 0;
    }

    static String normaliseDomain(String domain) {
        return domain == null || domain.equals("ai.onnx") ? "" : domain;
    }

    /** The node that writes the tensor, or empty for graph inputs, initializers and unknown names. */
    public Optional<NodeProto> producer(String tensor) {
        return Optional.ofNullable(producers.get(tensor));
    }

    /** Nodes that read the tensor, in graph order. */
    public List<NodeProto> consumers(String tensor) {
        return Collections.unmodifiableList(consumers.getOrDefault(tensor, List.of()));
    }

    public Optional<TensorProto> initializer(String name) {
        return Optional.ofNullable(initializers.get(name));
    }

    public boolean isInitializer(String name) {
        return initializers.containsKey(name);
    }

    /** Declared type information (graph input, output or value_info), if the model carries any. */
    public Optional<ValueInfoProto> valueInfo(String tensor) {
        return Optional.ofNullable(valueInfos.get(tensor));
    }

    /**
     * The declared shape of a tensor, -1 for symbolic or unknown dims; empty when the model declares
     * no shape for it (ORT still knows it at run time).
     */
    public Optional<long[]> declaredShape(String tensor) {
        return valueInfo(tensor).filter(v -> v.getType().getTensorType().hasShape()).map(v -> {
            var dims = v.getType().getTensorType().getShape().getDimList();
            long[] shape = new long[dims.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = dims.get(i).hasDimValue() && dims.get(i).getDimValue() > 0 ? dims.get(i).getDimValue() : -1;
            }
            return shape;
        });
    }

    /** True when the name is a graph input, an initializer or some node's output. */
    public boolean hasTensor(String name) {
        return producers.containsKey(name) || initializers.containsKey(name)
                || proto.getGraph().getInputList().stream().anyMatch(v -> v.getName().equals(name));
    }

    /** True when some initializer keeps its data in an external file (not loadable from bytes). */
    public boolean usesExternalData() {
        return initializers.values().stream()
                .anyMatch(t -> t.getDataLocation() == TensorProto.DataLocation.EXTERNAL);
    }
}
