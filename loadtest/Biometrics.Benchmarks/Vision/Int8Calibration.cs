using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Biometrics.Vision;
using Biometrics.Vision.Face;
using Biometrics.Vision.Imaging;
using Microsoft.ML.OnnxRuntime;

namespace Biometrics.Benchmarks.Vision;

/// <summary>
/// <c>int8-calibrate --model EXPOSED.onnx --out RANGES.json images...</c>: the activation ranges for the int8 copy of
/// fr_feature (docs/VISION.md, "int8 embedder"). Every face of the images goes through the fp32 pipeline (detect,
/// landmarks, align); its aligned face, packed as <see cref="FaceEmbedder"/> packs it (RGB, (v-127)/128, CHW), runs through
/// <c>EXPOSED.onnx</c> (fr_feature with every intermediate tensor as an output, from
/// <c>scripts/fr_feature_variants.py expose</c>), and the minimum and maximum of every tensor are written as JSON.
/// </summary>
public static class Int8Calibration
{
    public static int Run(string[] args)
    {
        string? model = null, output = null;
        var images = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--model": model = args[++i]; break;
                case "--out": output = args[++i]; break;
                default: images.Add(args[i]); break;
            }
        }

        if (model is null || output is null || images.Count == 0)
        {
            Console.Error.WriteLine("usage: int8-calibrate --model EXPOSED.onnx --out RANGES.json images...");
            return 2;
        }

        const int side = FaceAligner.Size;
        var ranges = new SortedDictionary<string, float[]>(StringComparer.Ordinal);
        var faces = new List<string>();
        using var pipeline = new FacePipeline(new FacePipelineOptions { EnableLiveness = false });
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL, IntraOpNumThreads = 1 };
        using var session = new InferenceSession(model, options);
        var inputName = session.InputMetadata.Keys.Single();
        var input = new float[3 * side * side];
        foreach (var path in images)
        {
            using var image = Image.Load(path);
            var analyses = pipeline.Analyze(image);
            for (var f = 0; f < analyses.Count; f++)
            {
                using var face = analyses[f];
                Pack(face.AlignedFace, input);
                Update(ranges, inputName, input);
                using var value = OrtValue.CreateTensorValueFromMemory(input, [1, 3, side, side]);
                using var results = session.Run(new RunOptions(), new Dictionary<string, OrtValue> { [inputName] = value }, session.OutputNames);
                for (var o = 0; o < results.Count; o++)
                {
                    Update(ranges, session.OutputNames[o], results[o].GetTensorDataAsSpan<float>());
                }

                faces.Add(string.Create(CultureInfo.InvariantCulture, $"{Path.GetFileName(Path.GetDirectoryName(path))}/{Path.GetFileName(path)}#{f}"));
            }
        }

        var json = new
        {
            about = "Activation ranges (min, max) of fr_feature.onnx over the faces below, for scripts/fr_feature_variants.py quantize (docs/VISION.md, int8 embedder).",
            model_sha256 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(RuntimeDependencies.ModelsDirectory, "fr_feature.onnx")))),
            faces,
            tensors = ranges,
        };
        File.WriteAllText(output, JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }) + "\n");
        Console.WriteLine($"{faces.Count} faces from {images.Count} images, {ranges.Count} tensors -> {output}");
        return 0;
    }

    private static void Update(SortedDictionary<string, float[]> ranges, string name, ReadOnlySpan<float> values)
    {
        if (!ranges.TryGetValue(name, out var r))
        {
            ranges[name] = r = [float.PositiveInfinity, float.NegativeInfinity];
        }

        foreach (var v in values)
        {
            r[0] = Math.Min(r[0], v);
            r[1] = Math.Max(r[1], v);
        }
    }

    private static void Pack(Image face, float[] destination)
    {
        var plane = face.Width * face.Height;
        var pixels = face.Pixels;
        for (var y = 0; y < face.Height; y++)
        {
            for (var x = 0; x < face.Width; x++)
            {
                var p = (y * face.Stride) + (x * 3);
                var o = (y * face.Width) + x;
                destination[o] = (pixels[p + 2] - 127f) / 128f;
                destination[plane + o] = (pixels[p + 1] - 127f) / 128f;
                destination[(2 * plane) + o] = (pixels[p] - 127f) / 128f;
            }
        }
    }
}
