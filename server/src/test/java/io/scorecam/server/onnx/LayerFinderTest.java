package io.scorecam.server.onnx;

import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;
import io.scorecam.server.onnx.proto.GraphProto;
import io.scorecam.server.onnx.proto.ModelProto;
import io.scorecam.server.onnx.proto.NodeProto;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LayerFinderTest {

    private static List<String> candidatesOf(SyntheticModels.Model m) {
        return LayerFinder.candidates(OnnxModel.parse(m.bytes(), "synthetic"), m.output());
    }

    @Test
    void vggPicksTheReluIntoTheLastMaxPool() {
        SyntheticModels.Model m = SyntheticModels.vggLike(1);
        List<String> c = candidatesOf(m);
        assertEquals(m.targetLayer(), c.get(0));
        assertTrue(c.size() > 1, "earlier layers follow as fallbacks: " + c);
        assertFalse(c.contains(m.input()), "the image is never a target");
    }

    @Test
    void resnetPicksTheGlobalAveragePoolInput() {
        SyntheticModels.Model m = SyntheticModels.resnetLike(2);
        assertEquals(m.targetLayer(), candidatesOf(m).get(0));
    }

    @Test
    void pytorchReduceMeanIsFoundWithAxesAsInputOrAttribute() {
        SyntheticModels.Model opset18 = SyntheticModels.pytorchLike(3, 18);
        assertEquals(opset18.targetLayer(), candidatesOf(opset18).get(0));
        SyntheticModels.Model opset13 = SyntheticModels.pytorchLike(3, 13);
        assertEquals(opset13.targetLayer(), candidatesOf(opset13).get(0));
    }

    @Test
    void softmaxAndOneClassHeadsAreWalkedThrough() {
        SyntheticModels.Model softmax = SyntheticModels.endsInSoftmax(4);
        assertEquals(softmax.targetLayer(), candidatesOf(softmax).get(0));
        SyntheticModels.Model one = SyntheticModels.oneClass(5);
        assertEquals(one.targetLayer(), candidatesOf(one).get(0));
    }

    @Test
    void torchvisionVggSkipsTheAdaptivePoolToo() {
        SyntheticModels.Model m = SyntheticModels.vggTorchvisionLike(7);
        assertEquals(m.targetLayer(), candidatesOf(m).get(0));
    }

    @Test
    void convHeadAfterTheGlobalPoolIsLookedPast() {
        SyntheticModels.Model m = SyntheticModels.convHeadLike(8);
        assertEquals(m.targetLayer(), candidatesOf(m).get(0));
    }

    @Test
    void qdqModelGivesTheDequantizedTensorAndSkipsItsPair() {
        SyntheticModels.Model m = SyntheticModels.qdqLike(9);
        OnnxModel model = OnnxModel.parse(m.bytes(), "qdq");
        List<String> c = LayerFinder.candidates(model, m.output());
        assertEquals(m.targetLayer(), c.get(0));
        // next comes the Conv before the ReLU: the ReLU is the same layer as the QDQ pair after it
        assertEquals("Conv", model.producer(c.get(1)).orElseThrow().getOpType(), c.toString());
    }

    @Test
    void reduceOverChannelsIsNotAHead() {
        // Rewrite the PyTorch-style model's ReduceMean to reduce axis 1: no spatial head remains, so the
        // finder must fall back to walking back from the output instead of naming the reduce input first.
        SyntheticModels.Model m = SyntheticModels.pytorchLike(6, 13);
        ModelProto proto = OnnxModel.parse(m.bytes(), "m").proto();
        GraphProto.Builder g = proto.getGraph().toBuilder();
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            if (n.getOpType().equals("ReduceMean")) {
                g.setNode(i, n.toBuilder().setAttribute(0, OnnxNodes.intsAttr("axes", 1)).build());
            }
        }
        OnnxModel changed = OnnxModel.parse(proto.toBuilder().setGraph(g).build().toByteArray(), "m");
        List<String> c = LayerFinder.candidates(changed, m.output());
        assertFalse(c.isEmpty());
        assertEquals("ReduceMean", changed.producer(c.get(0)).orElseThrow().getOpType(), c.toString());
    }

    @Test
    void int8MobileNetGivesTheDequantisedLastConv() {
        OnnxModel model = OnnxModel.read(SharedFiles.mobilenetOrSkip());
        assertEquals("627", LayerFinder.candidates(model, "output").get(0));
    }

    @Test
    void unknownOutputIsAClearError() {
        SyntheticModels.Model m = SyntheticModels.resnetLike(2);
        ScoreCamException e = assertThrows(ScoreCamException.class,
                () -> LayerFinder.candidates(OnnxModel.parse(m.bytes(), "net.onnx"), "nope"));
        assertEquals(ErrorCode.FAILED_PRECONDITION, e.code());
        assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
    }
}
