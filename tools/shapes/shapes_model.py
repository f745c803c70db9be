"""The small shapes CNN: conv blocks down to a 48x24x24 ReLU map, global max pooling, a linear head."""
import torch
from torch import nn


def block(cin, cout, stride=1):
    return [nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU()]


class ShapesNet(nn.Module):
    def __init__(self, classes=5):
        super().__init__()
        self.features = nn.Sequential(
            *block(3, 16, stride=2),  # 96 -> 48: a strided first conv keeps training within minutes on 2 cores
            *block(16, 32),           # 48x48
            nn.MaxPool2d(2),
            *block(32, 48),           # 24x24
            *block(48, 48),           # the Score-CAM layer: 48 channels at 24x24, after ReLU
        )
        self.head = nn.Linear(48, classes)

    def forward(self, x):
        # Global max pooling (exported as ReduceMax over H, W), as in weakly supervised localisation: with
        # average pooling the small shapes drown in the cluttered background and training stalls at chance.
        return self.head(torch.amax(self.features(x), dim=(2, 3)))
