package io.scorecam.server.engine.api;

/**
 * How faithful one class's map is to the model on its frame (scores are the class's probability).
 *
 * @param originalScore    Y, the score on the frame
 * @param explanationScore O, the score on the frame multiplied by the map (Chattopadhay et al. 2018)
 * @param deletionCurve    scores after deleting 0, 1/n, ..., all pixels in order of saliency (RISE), n + 1 values
 * @param insertionCurve   scores after inserting them into a blurred copy of the frame, n + 1 values
 */
public record Faithfulness(float originalScore, float explanationScore, float[] deletionCurve,
                           float[] insertionCurve) {

    /** max(0, Y - O) / Y: averaged over frames, the Average Drop. */
    public float drop() {
        return originalScore <= 0 ? 0 : Math.max(0, originalScore - explanationScore) / originalScore;
    }

    /** O > Y: the fraction of frames where it holds is the Increase in Confidence. */
    public boolean increase() {
        return explanationScore > originalScore;
    }

    public float deletionAuc() {
        return auc(deletionCurve);
    }

    public float insertionAuc() {
        return auc(insertionCurve);
    }

    /** Trapezoidal area under a curve sampled at n + 1 equal steps over [0, 1] (RISE's auc). */
    public static float auc(float[] curve) {
        if (curve.length < 2) {
            return curve.length == 1 ? curve[0] : 0;
        }
        double sum = 0;
        for (float v : curve) {
            sum += v;
        }
        sum -= (curve[0] + curve[curve.length - 1]) / 2.0;
        return (float) (sum / (curve.length - 1));
    }
}
