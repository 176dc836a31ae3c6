using Biometrics.Vision.Imaging;
using Microsoft.ML.OnnxRuntime;

namespace Biometrics.Vision.Face;

/// <summary>
/// Face detection with <c>fr_detect.onnx</c> (a 320x240 single-shot detector with 4420 anchors whose boxes come out
/// already decoded): the whole frame is resized to 320x240, converted to RGB, normalised as (v-127)/128 in CHW order;
/// anchors whose face probability (score index 1) reaches the threshold are kept and overlapping boxes removed by NMS.
/// Thread-safe.
/// </summary>
public sealed class FaceDetector : IDisposable
{
    /// <summary>Model input width.</summary>
    public const int InputWidth = 320;

    /// <summary>Model input height.</summary>
    public const int InputHeight = 240;

    private readonly OnnxModel _model;

    /// <summary>Loads the model from <paramref name="modelPath"/>.</summary>
    public FaceDetector(string modelPath, SessionOptions? options = null)
    {
        _model = OnnxModel.Load(modelPath, options, GraphOptimizationLevel.ORT_ENABLE_ALL);
        if (_model.InputLength != 3 * InputWidth * InputHeight || _model.OutputLengths.Count != 2)
        {
            _model.Dispose();
            throw new InvalidDataException($"'{modelPath}' does not look like fr_detect (input 1x3x240x320, outputs scores and boxes).");
        }
    }

    /// <summary>Minimum face probability in [0,1] for a detection (default 0.7).</summary>
    public float ScoreThreshold { get; init; } = 0.7f;

    /// <summary>Boxes overlapping a stronger one by more than this intersection-over-union are dropped (default 0.3).</summary>
    public float NmsIouThreshold { get; init; } = 0.3f;

    /// <summary>Boxes narrower than this many pixels of the original image are dropped (default 8).</summary>
    public float MinFaceSize { get; init; } = 8;

    /// <summary>
    /// Detects faces in <paramref name="image"/>; boxes are in its pixel coordinates (clamped to it), largest first.
    /// An image without faces gives an empty list.
    /// </summary>
    public IReadOnlyList<FaceBox> Detect(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var input = OnnxModel.Rent(_model.InputLength);
        var scores = OnnxModel.Rent(_model.OutputLengths[0]);
        var boxes = OnnxModel.Rent(_model.OutputLengths[1]);
        try
        {
            using (var resized = image.Resize(InputWidth, InputHeight))
            {
                TensorPacking.PackChw(resized, input, rgb: true, mean: 127f, scale: 1f / 128f);
            }

            _model.Run(input, [scores, boxes]);
            return Decode(scores.AsSpan(0, _model.OutputLengths[0]), boxes.AsSpan(0, _model.OutputLengths[1]), image.Width, image.Height);
        }
        finally
        {
            OnnxModel.Return(input);
            OnnxModel.Return(scores);
            OnnxModel.Return(boxes);
        }
    }

    private List<FaceBox> Decode(ReadOnlySpan<float> scores, ReadOnlySpan<float> boxes, int width, int height)
    {
        var candidates = new List<FaceBox>();
        var anchors = scores.Length / 2;
        for (var i = 0; i < anchors; i++)
        {
            var score = scores[2 * i + 1];
            if (score < ScoreThreshold)
            {
                continue;
            }

            var box = new FaceBox(
                Math.Clamp(boxes[4 * i] * width, 0, width),
                Math.Clamp(boxes[4 * i + 1] * height, 0, height),
                Math.Clamp(boxes[4 * i + 2] * width, 0, width),
                Math.Clamp(boxes[4 * i + 3] * height, 0, height),
                score);
            if (box.Width >= MinFaceSize && box.Height >= MinFaceSize)
            {
                candidates.Add(box);
            }
        }

        candidates.Sort((a, b) => b.Score.CompareTo(a.Score));
        var kept = new List<FaceBox>();
        foreach (var c in candidates)
        {
            var suppressed = false;
            foreach (var k in kept)
            {
                if (c.IoU(k) > NmsIouThreshold)
                {
                    suppressed = true;
                    break;
                }
            }

            if (!suppressed)
            {
                kept.Add(c);
            }
        }

        kept.Sort((a, b) => b.Area.CompareTo(a.Area));
        return kept;
    }

    /// <summary>Releases the model.</summary>
    public void Dispose() => _model.Dispose();
}
