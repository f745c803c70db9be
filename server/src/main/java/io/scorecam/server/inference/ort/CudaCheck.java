package io.scorecam.server.inference.ort;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession.SessionOptions;
import io.scorecam.server.errors.ErrorCode;
import io.scorecam.server.errors.ScoreCamException;
import io.scorecam.server.inference.DeviceSpec;

import java.util.EnumSet;

/**
 * Fails early, with one message saying why, when a CUDA device is requested but ONNX Runtime cannot use it:
 * either the CPU-only runtime jar is on the classpath, or the CUDA provider cannot find driver/CUDA/cuDNN.
 */
final class CudaCheck {

    private CudaCheck() {
    }

    static void require(DeviceSpec device) {
        if (!device.isCuda()) {
            return;
        }
        EnumSet<OrtProvider> providers = OrtEnvironment.getAvailableProviders();
        if (!providers.contains(OrtProvider.CUDA)) {
            throw new ScoreCamException(ErrorCode.FAILED_PRECONDITION, "device " + device
                    + " requested, but this build carries the CPU-only ONNX Runtime (execution providers: "
                    + providers + "); build the server with the gpu profile (mvn -Pgpu package) to get onnxruntime_gpu");
        }
        // Adding the provider loads its shared library, which is where a missing driver/CUDA/cuDNN shows up.
        try (SessionOptions probe = new SessionOptions()) {
            probe.addCUDA(device.index());
        } catch (OrtException e) {
            throw new ScoreCamException(ErrorCode.FAILED_PRECONDITION, "device " + device
                    + " requested, but ONNX Runtime's CUDA execution provider cannot start: " + e.getMessage()
                    + " (it needs an NVIDIA driver and the CUDA 12 and cuDNN 9 libraries on the library path)", e);
        }
    }
}
