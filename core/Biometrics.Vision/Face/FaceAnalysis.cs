using System.Numerics;
using Biometrics.Vision.Imaging;

namespace Biometrics.Vision.Face;

/// <summary>
/// Everything the pipeline found about one face: detection box and score, 68 landmarks, the five alignment points, quality
/// measures, liveness (null when disabled) and the aligned 112x112 face, which this object owns (dispose it).
/// <see cref="IsFallback"/> is true when no face was detected and the centred crop was used instead
/// (<see cref="FacePipelineOptions.FallbackToCenterCrop"/>); such a result says nothing about a face being present.
/// </summary>
public sealed class FaceAnalysis : IDisposable
{
    internal FaceAnalysis(FaceBox box, Vector2[] landmarks, Vector2[] fivePoints, FaceQuality quality, LivenessResult? liveness, Image alignedFace, bool isFallback)
    {
        Box = box;
        Landmarks = landmarks;
        FivePoints = fivePoints;
        Quality = quality;
        Liveness = liveness;
        AlignedFace = alignedFace;
        IsFallback = isFallback;
    }

    /// <summary>Face box in image pixels; <see cref="FaceBox.Score"/> is the detector's face probability (0 for a fallback).</summary>
    public FaceBox Box { get; }

    /// <summary>Detector confidence in [0,1].</summary>
    public float Score => Box.Score;

    /// <summary>The 68 landmarks in image pixels.</summary>
    public IReadOnlyList<Vector2> Landmarks { get; }

    /// <summary>Left eye, right eye, nose tip, left and right mouth corner in image pixels.</summary>
    public IReadOnlyList<Vector2> FivePoints { get; }

    /// <summary>Quality measures.</summary>
    public FaceQuality Quality { get; }

    /// <summary>Liveness, or null when liveness is disabled.</summary>
    public LivenessResult? Liveness { get; }

    /// <summary>The aligned 112x112 BGR face (owned by this object).</summary>
    public Image AlignedFace { get; }

    /// <summary>True when this is the centred-crop fallback rather than a detected face.</summary>
    public bool IsFallback { get; }

    /// <summary>Releases the aligned face image.</summary>
    public void Dispose() => AlignedFace.Dispose();
}
