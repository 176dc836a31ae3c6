using Biometrics.Vision.Imaging;

namespace Biometrics.Vision.Face;

/// <summary>
/// The face pipeline of docs/VISION.md: detect, 68 landmarks, five-point alignment, quality, liveness, embedding.
/// Each model is loaded once, with thread spinning off and the thread counts of <see cref="FacePipelineOptions"/>.
/// Thread-safe: any number of threads may call <see cref="Analyze"/>, <see cref="Embed(FaceAnalysis)"/> and
/// <see cref="Process"/> at once.
/// </summary>
public sealed class FacePipeline : IDisposable
{
    private readonly FacePipelineOptions _options;

    /// <summary>Loads the models (<c>fr_detect</c>, <c>fr_landmark</c>, a copy of <c>fr_feature</c> (<see cref="FacePipelineOptions.EmbedderModel"/>) and, if enabled, <c>fr_liveness</c>).</summary>
    /// <exception cref="FileNotFoundException">A model file is missing.</exception>
    /// <exception cref="InvalidDataException">A model file is not the model it should be.</exception>
    /// <exception cref="ExecutionProviderUnavailableException">CUDA was configured but this build or host cannot provide it.</exception>
    public FacePipeline(FacePipelineOptions? options = null)
    {
        _options = options ?? new FacePipelineOptions();
        var dir = _options.ModelsDirectory ?? RuntimeDependencies.ModelsDirectory;
        using var sessionOptions = _options.CreateSessionOptions(_options.GraphOptimizationLevel);
        using var embedderOptions = _options.CreateSessionOptions(_options.EmbedderGraphOptimizationLevel);
        var created = new List<IDisposable>();
        try
        {
            Detector = Add(created, new FaceDetector(Path.Combine(dir, "fr_detect.onnx"), sessionOptions)
            {
                ScoreThreshold = _options.DetectionThreshold,
                NmsIouThreshold = _options.NmsIouThreshold,
                MinFaceSize = _options.MinFaceSize,
            });
            Landmarks = Add(created, new LandmarkDetector(Path.Combine(dir, "fr_landmark.onnx"), sessionOptions));
            // The rewritten copy computes the published function (scores within 1e-5), so it carries the published model's id.
            var publishedId = _options.EmbedderModel == EmbedderModel.Rewritten ? FaceEmbedder.ComputeModelId(Path.Combine(dir, EmbedderFile(EmbedderModel.Published))) : null;
            Embedder = Add(created, new FaceEmbedder(Path.Combine(dir, EmbedderFile(_options.EmbedderModel)), embedderOptions, publishedId) { FlipAverage = _options.FlipAverage });
            Liveness = _options.EnableLiveness
                ? Add(created, new LivenessDetector(Path.Combine(dir, "fr_liveness.onnx"), sessionOptions) { LiveClassIndex = _options.LiveClassIndex })
                : null;
        }
        catch
        {
            foreach (var d in created)
            {
                d.Dispose();
            }

            throw;
        }
    }

    /// <summary>The detector stage.</summary>
    public FaceDetector Detector { get; }

    /// <summary>The landmark stage.</summary>
    public LandmarkDetector Landmarks { get; }

    /// <summary>The embedding stage.</summary>
    public FaceEmbedder Embedder { get; }

    /// <summary>The liveness stage, or null when disabled.</summary>
    public LivenessDetector? Liveness { get; }

    /// <summary>The embedding model id (see <see cref="FaceEmbedder.ModelId"/>).</summary>
    public string ModelId => Embedder.ModelId;

    /// <summary>Which copy of fr_feature <see cref="Embedder"/> runs.</summary>
    public EmbedderModel EmbedderModel => _options.EmbedderModel;

    /// <summary>
    /// Finds and analyses the faces of <paramref name="image"/>, largest first (at most <see cref="FacePipelineOptions.MaxFaces"/>).
    /// An image without a face gives an empty list, or one fallback analysis when
    /// <see cref="FacePipelineOptions.FallbackToCenterCrop"/> is on. The caller disposes the analyses.
    /// </summary>
    public IReadOnlyList<FaceAnalysis> Analyze(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var boxes = Detector.Detect(image);
        var result = new List<FaceAnalysis>(Math.Min(boxes.Count, _options.MaxFaces));
        try
        {
            foreach (var box in boxes.Take(_options.MaxFaces))
            {
                result.Add(AnalyzeBox(image, box, isFallback: false));
            }

            if (result.Count == 0 && _options.FallbackToCenterCrop && Math.Min(image.Width, image.Height) >= 16)
            {
                var side = Math.Min(image.Width, image.Height) * _options.CenterCropFraction;
                var cx = image.Width / 2f;
                var cy = image.Height / 2f;
                result.Add(AnalyzeBox(image, new FaceBox(cx - side / 2, cy - side / 2, cx + side / 2, cy + side / 2, 0f), isFallback: true));
            }

            return result;
        }
        catch
        {
            foreach (var face in result)
            {
                face.Dispose();
            }

            throw;
        }
    }

    /// <summary>Landmarks, alignment, quality and liveness of the face in <paramref name="box"/>.</summary>
    public FaceAnalysis AnalyzeBox(Image image, FaceBox box, bool isFallback = false)
    {
        ArgumentNullException.ThrowIfNull(image);
        var landmarks = Landmarks.Detect(image, box);
        var five = FaceAligner.FivePoints(landmarks);
        var aligned = FaceAligner.Align(image, five);
        try
        {
            var quality = FaceQuality.Assess(box, landmarks, five, aligned);
            var liveness = Liveness?.Evaluate(image, box);
            return new FaceAnalysis(box, landmarks, five, quality, liveness, aligned, isFallback);
        }
        catch
        {
            aligned.Dispose();
            throw;
        }
    }

    /// <summary>The embedding of one analysed face.</summary>
    public FaceEmbedding Embed(FaceAnalysis face)
    {
        ArgumentNullException.ThrowIfNull(face);
        return Embedder.Embed(face.AlignedFace);
    }

    /// <summary>Embeddings of several analysed faces, in order (one batched call to the embedder).</summary>
    public IReadOnlyList<FaceEmbedding> Embed(IReadOnlyList<FaceAnalysis> faces)
    {
        ArgumentNullException.ThrowIfNull(faces);
        return Embedder.EmbedBatch(faces.Select(f => f.AlignedFace).ToArray());
    }

    /// <summary>Decodes an encoded image (JPEG, PNG, ...), analyses and embeds every face. The caller disposes the result.</summary>
    /// <exception cref="ImageDecodeException">The bytes are empty, corrupt, not an image or too large; the message says which.</exception>
    public FaceProcessResult Process(ReadOnlySpan<byte> encodedImage)
    {
        using var image = Image.Decode(encodedImage);
        var faces = Analyze(image);
        try
        {
            return new FaceProcessResult(image.Width, image.Height, faces, Embed(faces));
        }
        catch
        {
            foreach (var face in faces)
            {
                face.Dispose();
            }

            throw;
        }
    }

    /// <summary>Releases every model.</summary>
    public void Dispose()
    {
        Detector.Dispose();
        Landmarks.Dispose();
        Embedder.Dispose();
        Liveness?.Dispose();
    }

    /// <summary>The file name of <paramref name="model"/> in the models folder.</summary>
    public static string EmbedderFile(EmbedderModel model) => model switch
    {
        EmbedderModel.Published => "fr_feature.onnx",
        EmbedderModel.Rewritten => "fr_feature_rewritten.onnx",
        EmbedderModel.Int8 => "fr_feature_int8.onnx",
        _ => throw new ArgumentOutOfRangeException(nameof(model), model, "unknown embedder model"),
    };

    private static T Add<T>(List<IDisposable> created, T item)
        where T : IDisposable
    {
        created.Add(item);
        return item;
    }
}
