using System.Numerics;
using Biometrics.Vision.Imaging;
using Microsoft.ML.OnnxRuntime;

namespace Biometrics.Vision.Face;

/// <summary>
/// 68-point facial landmarks with <c>fr_landmark.onnx</c> (iBUG 300-W numbering, 0-based): the face box, clamped to the
/// image, is cropped, converted to grey, resized to 64x64 and scaled as v/256; the model's outputs are positions relative to
/// the crop (0..1), mapped back as x*w+x1, y*h+y1. Thread-safe.
/// </summary>
public sealed class LandmarkDetector : IDisposable
{
    /// <summary>Number of landmarks.</summary>
    public const int PointCount = 68;

    private const int Side = 64;
    private readonly OnnxModel _model;

    /// <summary>Loads the model from <paramref name="modelPath"/>.</summary>
    public LandmarkDetector(string modelPath, SessionOptions? options = null)
    {
        _model = OnnxModel.Load(modelPath, options, GraphOptimizationLevel.ORT_ENABLE_ALL);
        if (_model.InputLength != Side * Side || _model.OutputLengths[0] != 2 * PointCount)
        {
            _model.Dispose();
            throw new InvalidDataException($"'{modelPath}' does not look like fr_landmark (input 1x1x64x64, output 1x136).");
        }
    }

    /// <summary>The 68 landmarks of the face in <paramref name="box"/>, in pixel coordinates of <paramref name="image"/>.</summary>
    /// <exception cref="ArgumentException">The box does not overlap the image.</exception>
    public Vector2[] Detect(Image image, FaceBox box)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (x, y, w, h) = box.ClampedRect(image.Width, image.Height);
        if (w < 2 || h < 2)
        {
            throw new ArgumentException($"The face box {box} does not overlap the {image.Width}x{image.Height} image.", nameof(box));
        }

        var input = OnnxModel.Rent(_model.InputLength);
        var output = OnnxModel.Rent(_model.OutputLengths[0]);
        try
        {
            using (var crop = image.Crop(x, y, w, h))
            using (var gray = crop.Channels == 1 ? crop.Resize(Side, Side) : CropToGray(crop))
            {
                TensorPacking.PackGray(gray, input, 1f / 256f);
            }

            _model.Run(input, [output]);
            var points = new Vector2[PointCount];
            for (var i = 0; i < PointCount; i++)
            {
                points[i] = new Vector2(output[2 * i] * w + x, output[2 * i + 1] * h + y);
            }

            return points;
        }
        finally
        {
            OnnxModel.Return(input);
            OnnxModel.Return(output);
        }
    }

    private static Image CropToGray(Image crop)
    {
        using var gray = crop.ToGray();
        return gray.Resize(Side, Side);
    }

    /// <summary>Releases the model.</summary>
    public void Dispose() => _model.Dispose();
}
