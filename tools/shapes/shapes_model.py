"""The small shapes CNN: conv blocks down to a 48x24x24 ReLU map, global max pooling, a linear head."""
import torch
from torch import nn


def block(cin, cout, stride=1, k=3):
    # replicate padding: zero padding draws artificial edges along the frame border, which edge detectors
    # in the last layer then light up in every saliency map
    return [nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2, padding_mode="replicate", bias=False),
            nn.BatchNorm2d(cout), nn.ReLU()]


class ShapesNet(nn.Module):
    def __init__(self, classes=5):
        super().__init__()
        self.features = nn.Sequential(
            *block(3, 16, stride=2),  # 96 -> 48: a strided first conv keeps training within minutes on 2 cores
            *block(16, 32),           # 48x48
            nn.MaxPool2d(2),
            *block(32, 48, k=5),      # 24x24; 5x5 kernels give the last layer a ~41 px receptive field,
            *block(48, 48, k=5),      # as large as a shape: the Score-CAM layer, 48 x 24 x 24 after ReLU
        )
        self.head = nn.Linear(48, classes)

    def forward(self, x):
        return self.forward_with_features(x)[0]

    def forward_with_features(self, x):
        # Global max pooling (exported as ReduceMax over H, W), as in weakly supervised localisation: with
        # average pooling the small shapes drown in the cluttered background and training stalls at chance.
        f = self.features(x)
        return self.head(torch.amax(f, dim=(2, 3))), f
